#include "ui/controls.h"

#include <algorithm>

namespace kiosk::ui {

Rect Rect::takeTop(float height, float gap) {
  height = std::clamp(height, 0.0f, h);
  Rect part{x, y, w, height};
  const float used = std::min(h, height + gap);
  y += used;
  h -= used;
  return part;
}

Rect Rect::takeBottom(float height, float gap) {
  height = std::clamp(height, 0.0f, h);
  Rect part{x, bottom() - height, w, height};
  h -= std::min(h, height + gap);
  return part;
}

Rect Rect::takeLeft(float width, float gap) {
  width = std::clamp(width, 0.0f, w);
  Rect part{x, y, width, h};
  const float used = std::min(w, width + gap);
  x += used;
  w -= used;
  return part;
}

Rect Rect::takeRight(float width, float gap) {
  width = std::clamp(width, 0.0f, w);
  Rect part{right() - width, y, width, h};
  w -= std::min(w, width + gap);
  return part;
}

std::vector<Rect> Rect::columns(int n, float gap) const {
  std::vector<Rect> out;
  if (n <= 0) {
    return out;
  }
  const float cw = (w - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  for (int i = 0; i < n; ++i) {
    out.push_back({x + static_cast<float>(i) * (cw + gap), y, cw, h});
  }
  return out;
}

std::vector<Rect> Rect::rows(int n, float gap) const {
  std::vector<Rect> out;
  if (n <= 0) {
    return out;
  }
  const float rh = (h - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  for (int i = 0; i < n; ++i) {
    out.push_back({x, y + static_cast<float>(i) * (rh + gap), w, rh});
  }
  return out;
}

Rect Rect::centered(float width, float height) const {
  return {x + (w - width) / 2, y + (h - height) / 2, width, height};
}

void ControlRegistry::beginFrame() {
  last_ = std::move(building_);
  building_.clear();
  texts_.clear();
}

void ControlRegistry::addText(std::string_view text, Rect rect, bool cut, Rect box) {
  if (!text.empty()) {
    texts_.push_back(DrawnText{std::string(text), rect, cut, box});
  }
}

FrameRecord ControlRegistry::drawn() const {
  FrameRecord out;
  for (const auto& [name, c] : building_) {
    out.controls.push_back(c);
  }
  out.texts = texts_;
  return out;
}

void ControlRegistry::add(std::string_view name, Rect rect, bool enabled) {
  building_[std::string(name)] = Control{std::string(name), rect, enabled};
}

std::optional<Control> ControlRegistry::find(std::string_view name) const {
  auto it = last_.find(name);
  if (it == last_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::string> ControlRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, c] : last_) {
    out.push_back(name);
  }
  return out;
}

}  // namespace kiosk::ui
