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
    // Flags to resolve (supervisors).
    Entry{"nav.flags", "待处理标记", "Flags"},
    Entry{"flags.title", "待处理标记", "Flags to resolve"},
    Entry{"flags.flag_title", "标记详情", "Flag"},
    Entry{"flags.rule",
          "中心服务器标记了需要主管核实的记录。请对照两条记录作出决定并写明理由；决定会记入审计，不"
          "会更改记录本身。",
          "Central flagged these records for a supervisor to check. Compare the two records, "
          "decide and give the reason; the decision is audited and does not change the records."},
    Entry{"flags.open", "待处理", "Open"},
    Entry{"flags.resolved", "已处理", "Resolved"},
    Entry{"flags.none", "暂无", "None"},
    Entry{"flags.done", "已记录处理决定。", "The decision is recorded."},
    Entry{"flags.kind.second", "重复入场", "Second admission"},
    Entry{"flags.kind.skewed", "终端时间异常", "Terminal clock skew"},
    Entry{"flags.kind.conflict", "记录编号冲突", "Record id conflict"},
    Entry{"flags.about.second",
          "同一位宾客在离线终端上再次办理了签到。以最早的签到为准，其余的被标记。",
          "The guest was checked in again, at a terminal that was offline. The earliest check-in "
          "counts; the others are flagged."},
    Entry{"flags.about.skewed",
          "终端报告的扫码时间不可信（终端时钟可能有误），中心按收到的时间排序。",
          "The scan time the terminal reported is not plausible (its clock may be wrong); central "
          "ordered the record by the time it received it."},
    Entry{"flags.about.conflict",
          "终端重新发送了一个已使用的记录编号，但内容不同。中心保留原记录，拒收的记录留待核实。",
          "A terminal sent a record id again with a different document. Central kept the stored "
          "record and keeps the refused one here for review."},
    Entry{"flags.col.received", "中心收到时间", "Received by central"},
    Entry{"flags.col.guest", "宾客", "Guest"},
    Entry{"flags.col.terminal", "终端", "Terminal"},
    Entry{"flags.col.record", "记录", "Record"},
    Entry{"flags.col.kind", "类型", "Kind"},
    Entry{"flags.col.decision", "决定", "Decision"},
    Entry{"flags.col.note", "说明", "Note"},
    Entry{"flags.col.by", "处理人", "By"},
    Entry{"flags.col.at", "处理时间", "At"},
    Entry{"flags.look", "查看并处理", "Compare and resolve"},
    Entry{"flags.back", "返回待处理标记", "Back to the flags"},
    Entry{"flags.unknown_guest", "未登记宾客", "Guest not identified"},
    Entry{"flags.reason", "中心的原因：", "Central's reason:"},
    Entry{"flags.reason.checkin", "该编号已属于另一条签到记录",
          "the id already names another check-in"},
    Entry{"flags.reason.record", "该编号已属于另一条记录", "the id already names another record"},
    Entry{"flags.no_other", "该宾客没有其他有效的签到记录。",
          "The guest has no other check-in in force."},
    Entry{"flags.other_not_shown", "原记录不属于本活动或无法显示。",
          "The stored record is not of this event or cannot be shown."},
    Entry{"flags.compare", "两条记录对照", "The two records side by side"},
    Entry{"flags.field", "字段", "Field"},
    Entry{"flags.left.second", "被标记的签到", "Flagged check-in"},
    Entry{"flags.right.second", "有效的入场签到", "Admission that counts"},
    Entry{"flags.left.skewed", "时间异常的签到", "Check-in with the odd time"},
    Entry{"flags.right.skewed", "该宾客的另一条签到", "The guest's other check-in"},
    Entry{"flags.left.conflict", "拒收的记录（重新发送）", "Refused record (re-sent)"},
    Entry{"flags.right.conflict", "中心保存的记录", "Record central stored"},
    Entry{"flags.same_or_not", "是否一致", "Same?"},
    Entry{"flags.same", "一致", "same"},
    Entry{"flags.differs", "不同", "differs"},
    Entry{"flags.field.id", "记录编号", "Record id"},
    Entry{"flags.field.guest", "宾客", "Guest"},
    Entry{"flags.field.terminal", "终端（记录所写）", "Terminal (as recorded)"},
    Entry{"flags.field.device", "发送设备", "Sending device"},
    Entry{"flags.field.staff", "工作人员", "Staff"},
    Entry{"flags.field.scanned", "扫码时间（终端时钟）", "Scanned (terminal clock)"},
    Entry{"flags.field.received", "中心收到时间", "Received by central"},
    Entry{"flags.field.state", "状态", "State"},
    Entry{"flags.state.in_force", "有效", "in force"},
    Entry{"flags.state.undone", "已撤销", "undone"},
    Entry{"flags.state.skewed", "时间不可信", "time not plausible"},
    Entry{"flags.resolve", "处理", "Resolve"},
    Entry{"flags.resolved_as", "处理结果", "Resolution"},
    Entry{"flags.decision", "决定", "Decision"},
    Entry{"flags.decision.reentry", "两条都正确：宾客再次入场", "Both are right: a re-entry"},
    Entry{"flags.decision.undone_at_desk", "第二条有误：已在前台撤销",
          "The second is wrong: it was undone at the desk"},
    Entry{"flags.decision.time_confirmed", "时间已核实", "Time confirmed"},
    Entry{"flags.decision.clock_wrong", "终端时钟有误", "Terminal clock wrong"},
    Entry{"flags.decision.stored_stands", "以中心保存的记录为准", "The stored record stands"},
    Entry{"flags.decision.sent_stands", "以重新发送的记录为准（需到终端核实）",
          "The re-sent record is right (to be checked at the terminal)"},
    Entry{"flags.gap.ahead", "终端的扫码时间比中心收到时间晚 {}。",
          "The terminal's scan time is {} ahead of the time central received it."},
    Entry{"flags.gap.behind", "终端的扫码时间比中心收到时间早 {}。",
          "The terminal's scan time is {} before the time central received it."},
    Entry{"flags.unit.s", " 秒", " s"},
    Entry{"flags.unit.min", " 分钟", " min"},
    Entry{"flags.unit.h", " 小时", " h"},
    Entry{"flags.unit.d", " 天", " days"},
    Entry{"flags.note", "说明（必填）", "Note (required)"},
    Entry{"flags.note_hint", "写明核实了什么、与谁核实。", "Say what you checked and with whom."},
    Entry{"flags.submit", "记录决定", "Record the decision"},
    Entry{"flags.decision_required", "请选择一个决定。", "Choose a decision."},
    Entry{"flags.note_required", "请填写说明（不超过 1000 字）。",
          "Write a note (up to 1000 characters)."},
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
