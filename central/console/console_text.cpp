#include "central/console/console_text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace kiosk::central::console {

namespace {

struct Entry {
  std::string_view key;
  std::string_view zh;
  std::string_view en;
};

constexpr std::array kEntries{
    Entry{"product", "前台控制台", "Reception console"},
    Entry{"login.title", "登录", "Sign in"},
    Entry{"login.name", "账号", "Account"},
    Entry{"login.password", "密码", "Password"},
    Entry{"login.submit", "登录", "Sign in"},
    Entry{"login.failed", "账号或密码不正确。", "The account or password is not correct."},
    Entry{"login.limited", "尝试次数过多，请稍后再试。",
          "Too many attempts. Please try again later."},
    Entry{"login.expired", "您已长时间未操作，请重新登录。",
          "You were signed out after a period of inactivity. Please sign in again."},
    Entry{"logout", "退出", "Sign out"},
    Entry{"nav.arrivals", "到场情况", "Arrivals"},
    Entry{"nav.terminals", "终端", "Terminals"},
    Entry{"nav.main", "主导航", "Main navigation"},
    Entry{"lang.switch", "语言", "Language"},
    Entry{"event", "活动", "Event"},
    Entry{"event.choose", "切换", "Show"},
    Entry{"event.label", "活动：", "Event: "},
    Entry{"role.reception", "前台", "Reception"},
    Entry{"role.supervisor", "主管", "Supervisor"},
    Entry{"role.it", "IT", "IT"},
    Entry{"arrivals.title", "到场情况", "Arrivals"},
    Entry{"arrivals.expected", "应到", "Expected"},
    Entry{"arrivals.arrived", "已到", "Arrived"},
    Entry{"arrivals.waiting", "未到", "Not yet arrived"},
    Entry{"arrivals.by_category", "按类别", "By category"},
    Entry{"arrivals.category", "类别", "Category"},
    Entry{"arrivals.vips", "贵宾", "VIP guests"},
    Entry{"arrivals.host", "接待人", "Host"},
    Entry{"arrivals.time", "到达时间", "Arrived at"},
    Entry{"arrivals.terminal", "终端", "Terminal"},
    Entry{"arrivals.name", "姓名", "Name"},
    Entry{"arrivals.company", "单位", "Organisation"},
    Entry{"arrivals.none", "暂无", "None"},
    Entry{"arrivals.not_yet", "未到", "Not yet"},
    Entry{"arrivals.live", "实时更新", "Live"},
    Entry{"arrivals.updated", "更新于", "Updated"},
    Entry{"arrivals.offline", "连接中断，正在重试…", "Connection lost, retrying…"},
    Entry{"arrivals.no_host", "未指定", "None named"},
    Entry{"category.vip", "贵宾", "VIP"},
    Entry{"category.government", "政府", "Government"},
    Entry{"category.business", "商务", "Business"},
    Entry{"category.press", "媒体", "Press"},
    Entry{"category.staff", "工作人员", "Staff"},
    Entry{"category.other", "其他", "Other"},
    Entry{"terminals.title", "终端", "Terminals"},
    Entry{"terminals.name", "终端", "Terminal"},
    Entry{"terminals.state", "状态", "State"},
    Entry{"terminals.online", "在线", "Online"},
    Entry{"terminals.offline", "离线", "Offline"},
    Entry{"terminals.never", "从未连接", "Never connected"},
    Entry{"terminals.revoked", "已停用", "Revoked"},
    Entry{"terminals.last_seen", "最后联系", "Last seen"},
    Entry{"terminals.last_sync", "最后同步", "Last sync"},
    Entry{"terminals.outbox", "待上传", "Waiting to upload"},
    Entry{"terminals.printer", "打印机", "Printer"},
    Entry{"terminals.camera", "摄像头", "Camera"},
    Entry{"terminals.disk", "剩余空间", "Free disk"},
    Entry{"terminals.version", "版本", "Version"},
    Entry{"terminals.actions", "操作", "Actions"},
    Entry{"terminals.revoke", "停用", "Revoke"},
    Entry{"terminals.revoke_confirm", "停用后该终端将无法再同步，确定吗？",
          "A revoked terminal can no longer sync. Revoke it?"},
    Entry{"terminals.revoked_done", "终端已停用。", "The terminal was revoked."},
    Entry{"terminals.none", "尚未登记任何终端。", "No terminal is enrolled yet."},
    Entry{"terminals.unknown", "未知", "Unknown"},
    Entry{"device.ok", "正常", "OK"},
    Entry{"device.no_media", "缺纸", "Out of paper"},
    Entry{"device.offline", "未连接", "Offline"},
    Entry{"device.stopped", "已停止", "Stopped"},
    Entry{"device.absent", "未安装", "Not installed"},
    Entry{"device.unknown", "未知", "Unknown"},
    Entry{"enroll.title", "登记新终端", "Enroll a terminal"},
    Entry{"enroll.terminal", "终端名称", "Terminal name"},
    Entry{"enroll.hint", "例如 lobby-2（字母、数字和连字符）",
          "For example lobby-2 (letters, digits and dashes)"},
    Entry{"enroll.submit", "生成登记码", "Make an enrollment code"},
    Entry{"enroll.code", "登记码", "Enrollment code"},
    Entry{"enroll.expires", "有效期至", "Valid until"},
    Entry{"enroll.instructions", "在新终端上扫描此二维码，或输入登记码。",
          "Scan this QR code at the new terminal, or type the code."},
    Entry{"enroll.qr", "登记码二维码", "QR code of the enrollment code"},
    Entry{"enroll.bad_name", "终端名称需为 1 至 40 个字母、数字、连字符或下划线。",
          "A terminal name is 1 to 40 letters, digits, dashes or underscores."},
    Entry{"enroll.back", "返回终端列表", "Back to the terminals"},
    Entry{"error.not_found", "找不到该页面。", "There is no such page."},
    Entry{"error.forbidden", "您的账号无权执行此操作。", "Your account may not do this."},
    Entry{"error.csrf", "请求已过期或来源不可信，请刷新页面后重试。",
          "The request expired or came from another site. Reload the page and try again."},
    Entry{"error.internal", "服务器出错，请稍后再试。",
          "Something went wrong on the server. Please try again shortly."},
    Entry{"error.title", "出错了", "Something went wrong"},
};

}  // namespace

std::string_view tag(Lang lang) {
  return lang == Lang::kZh ? "zh-CN" : "en";
}

Lang chooseLang(std::string_view setting, std::string_view acceptLanguage) {
  if (setting == "en") {
    return Lang::kEn;
  }
  if (setting == "zh-CN") {
    return Lang::kZh;
  }
  // "en-GB,en;q=0.9,zh;q=0.8": the first listed wins (browsers list by preference).
  std::size_t start = 0;
  while (start < acceptLanguage.size()) {
    auto end = acceptLanguage.find(',', start);
    if (end == std::string_view::npos) {
      end = acceptLanguage.size();
    }
    auto item = acceptLanguage.substr(start, end - start);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    std::string primary;
    for (char c : item.substr(0, item.find('-'))) {
      primary += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (primary == "zh") {
      return Lang::kZh;
    }
    if (primary == "en") {
      return Lang::kEn;
    }
    start = end + 1;
  }
  return Lang::kZh;
}

std::string_view text(Lang lang, std::string_view key) {
  for (const auto& e : kEntries) {
    if (e.key == key) {
      return lang == Lang::kZh ? e.zh : e.en;
    }
  }
  return key;
}

bool hasText(std::string_view key) {
  return std::any_of(kEntries.begin(), kEntries.end(),
                     [&](const Entry& e) { return e.key == key; });
}

}  // namespace kiosk::central::console
