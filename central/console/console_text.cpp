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
    Entry{"terminals.settings", "设置", "Settings"},
    Entry{"terminals.settings_failed", "未能启用设置", "Settings given up"},
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
    Entry{"nav.feedback", "反馈与报修", "Requests"},
    Entry{"feedback.title", "反馈与报修", "Repair requests and complaints"},
    Entry{"feedback.rule", "每条报修和投诉须在收到后 2 小时内答复。",
          "Answer every repair request and complaint within 2 hours of its arrival."},
    Entry{"feedback.filter", "筛选", "Show"},
    Entry{"feedback.filter.open", "未关闭", "Not closed"},
    Entry{"feedback.filter.overdue", "已超时", "Overdue"},
    Entry{"feedback.filter.mine", "分配给我", "Assigned to me"},
    Entry{"feedback.filter.closed", "已关闭", "Closed"},
    Entry{"feedback.none", "没有符合条件的请求。", "No request here."},
    Entry{"feedback.kind.rating", "评分", "Rating"},
    Entry{"feedback.kind.repair", "报修", "Repair"},
    Entry{"feedback.kind.complaint", "投诉", "Complaint"},
    Entry{"feedback.cat.room", "房间", "Room"},
    Entry{"feedback.cat.transport", "交通", "Transport"},
    Entry{"feedback.cat.badge", "证件", "Badge"},
    Entry{"feedback.cat.accessibility", "无障碍", "Accessibility"},
    Entry{"feedback.cat.food", "餐饮", "Food"},
    Entry{"feedback.cat.wifi", "网络", "Wi-Fi"},
    Entry{"feedback.cat.cleaning", "清洁", "Cleaning"},
    Entry{"feedback.cat.other", "其他", "Other"},
    Entry{"feedback.cat.none", "未分类", "No category"},
    Entry{"feedback.guest", "宾客", "Guest"},
    Entry{"feedback.unknown_guest", "未登记宾客", "Guest not identified"},
    Entry{"feedback.room", "房间", "Room"},
    Entry{"feedback.terminal", "终端", "Terminal"},
    Entry{"feedback.received", "收到", "Received"},
    Entry{"feedback.ago", "前", "ago"},
    Entry{"feedback.just_now", "刚刚", "just now"},
    Entry{"feedback.words", "宾客原话", "In the guest's words"},
    Entry{"feedback.no_words", "宾客未填写文字。", "The guest wrote nothing."},
    Entry{"feedback.due", "须在此前答复", "Answer by"},
    Entry{"feedback.left", "剩余", "left"},
    Entry{"feedback.overdue", "已超时", "Overdue"},
    Entry{"feedback.late_by", "超时", "late by"},
    Entry{"feedback.answered_at", "已答复", "Answered"},
    Entry{"feedback.in_time", "按时", "in time"},
    Entry{"feedback.late", "超时", "late"},
    Entry{"feedback.state", "处理状态", "State"},
    Entry{"feedback.state.open", "待处理", "Waiting for an answer"},
    Entry{"feedback.state.answered", "已答复，未关闭", "Answered, not closed"},
    Entry{"feedback.state.closed", "已关闭", "Closed"},
    Entry{"feedback.assigned", "负责人", "Assigned to"},
    Entry{"feedback.nobody", "未分配", "Nobody yet"},
    Entry{"feedback.take", "由我处理", "Assign to me"},
    Entry{"feedback.assign_to", "分配给", "Assign to"},
    Entry{"feedback.assign", "分配", "Assign"},
    Entry{"feedback.answer", "标记为已答复", "Mark answered"},
    Entry{"feedback.note", "处理说明（必填）", "Closing note (required)"},
    Entry{"feedback.close", "关闭请求", "Close the request"},
    Entry{"feedback.closed_by", "关闭人", "Closed by"},
    Entry{"feedback.closed_note", "处理说明", "Closing note"},
    Entry{"feedback.minutes", "分钟", "min"},
    Entry{"feedback.hours", "小时", "h"},
    Entry{"feedback.done.assigned", "已分配。", "Assigned."},
    Entry{"feedback.done.answered", "已标记为已答复。", "Marked as answered."},
    Entry{"feedback.done.closed", "请求已关闭。", "The request is closed."},
    Entry{"feedback.note_required", "关闭请求前请填写处理说明。",
          "Write a closing note before closing the request."},
    Entry{"feedback.bad_assignee", "该账号不能处理本活动的请求。",
          "That account cannot handle this event's requests."},
    Entry{"feedback.already_closed", "该请求已关闭。", "This request is already closed."},
    Entry{"feedback.new", "新请求", "New request"},
    Entry{"feedback.ratings", "满意度评分", "Satisfaction ratings"},
    Entry{"feedback.ratings_event", "满意度评分（本活动全部）",
          "Satisfaction ratings (whole event)"},
    Entry{"feedback.no_ratings", "尚无评分", "No rating yet"},
    Entry{"summary.made_at", "生成于", "Made"},
    Entry{"feedback.ratings_count", "评分次数", "Ratings"},
    Entry{"feedback.average", "平均分", "Average"},
    Entry{"feedback.stars", "星", "stars"},
    Entry{"feedback.summary", "每日汇总", "Daily summary"},
    Entry{"summary.title", "反馈每日汇总", "Daily feedback summary"},
    Entry{"summary.day", "日期", "Day"},
    Entry{"summary.show", "查看", "Show"},
    Entry{"summary.print", "打印", "Print"},
    Entry{"summary.zone_event", "按活动所在时区计算：",
          "Days and times in the event's time zone: "},
    Entry{"summary.zone_server", "活动未设时区，按服务器时区计算。",
          "The event has no time zone: days and times in the server's time zone."},
    Entry{"summary.bad_day", "日期格式应为 年-月-日。", "A day is written year-month-day."},
    Entry{"summary.by_kind", "按类型", "By kind"},
    Entry{"summary.by_category", "按类别", "By category"},
    Entry{"summary.kind", "类型", "Kind"},
    Entry{"summary.category", "类别", "Category"},
    Entry{"summary.count", "数量", "Count"},
    Entry{"summary.response", "答复时效（报修与投诉）", "Answer times (repairs and complaints)"},
    Entry{"summary.in_time", "2 小时内答复", "Answered within 2 h"},
    Entry{"summary.late", "超过 2 小时答复", "Answered after 2 h"},
    Entry{"summary.still_open", "尚未答复", "Not answered yet"},
    Entry{"summary.no_ratings", "当日无评分", "No rating that day"},
    Entry{"summary.closed", "已关闭", "Closed"},
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
