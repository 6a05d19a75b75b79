// The guided badge photo: the live picture with an oval guide, what to do now (closer,
// further, left, right, too dark, hold still), a countdown, then the photo to keep or
// retake. Skipping is always allowed.
#include <algorithm>
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawPhoto(Ui& ui, const TerminalView& view, const flow::Photo& s,
                 const ScreenImages& images) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  stepBar(ui, body, 2, true);

  Rect actions;
  if (ui.layout().portrait) {
    actions = footer(ui, body, s.captured ? 2 : 1);
  } else {
    actions = body.takeRight(body.w * 0.34f, ui.m().margin);
  }
  if (s.captured) {
    const auto rows =
        ui.layout().portrait
            ? actions.rows(2, ui.m().gap)
            : actions.takeBottom(2 * ui.m().buttonHeight + ui.m().gap).rows(2, ui.m().gap);
    if (ui.button("photo.accept", ui.tr("photo.accept"), rows[0], ButtonKind::kPrimary,
                  Icon::kCheck)) {
      out = tap(Action::kPhotoAccept);
    }
    if (ui.button("photo.retake", ui.tr("photo.retake"), rows[1], ButtonKind::kSecondary,
                  Icon::kRetake)) {
      out = tap(Action::kPhotoRetake);
    }
  } else {
    const Rect skip = ui.layout().portrait ? actions : actions.takeBottom(ui.m().buttonHeight);
    if (ui.button("photo.skip", ui.tr("photo.skip"), skip, ButtonKind::kSecondary,
                  Icon::kForward)) {
      out = tap(Action::kPhotoSkip);
    }
  }

  const std::string hintKey = "photo." + s.hint;
  titleBlock(ui, body, ui.tr(s.captured ? "photo.captured_title" : "photo.title"),
             s.captured ? ui.tr("photo.captured_subtitle") : std::string_view{});
  if (!s.captured) {
    // The instruction is the most important text here: large, on a calm band.
    const std::string_view hint = ui.tr(hintKey);
    const float h = ui.measure(hint, FontRole::kTitle, body.w - ui.u(64)).y + ui.u(40);
    const Rect band = body.takeTop(h, ui.m().gap);
    const bool good = s.hint == "hold_still" || s.hint == "countdown";
    ui.fill(band, good ? p.successSoft : p.secondary, ui.m().radius);
    ui.text(hint, FontRole::kTitle, good ? p.onSuccessSoft : p.onSecondary, band.inset(ui.u(32), 0),
            Align::kCenter, true);
  }

  // Portrait photo area (3:4), as large as fits.
  float w = std::min(body.w, body.h * 0.75f);
  const Rect frame = body.centered(w, w / 0.75f);
  if (s.captured && images.photo.id != 0) {
    ui.card(frame, p.surface);
    ui.image(images.photo.id, frame.inset(ui.u(12)), Vec2{0, 0}, Vec2{1, 1}, ui.m().radius * 0.6f);
    return out;
  }
  CameraView camera = view.camera;
  cameraPanel(ui, frame, images.preview, camera, false);
  // Oval guide where the face should be.
  const Vec2 c{frame.center().x, frame.y + frame.h * 0.44f};
  const float rx = frame.w * 0.3f;
  const float ry = frame.h * 0.3f;
  const int segments = 64;
  for (int i = 0; i < segments; ++i) {
    if (i % 2 == 1) {
      continue;  // dashed
    }
    const float a0 = static_cast<float>(i) * 6.2832f / segments;
    const float a1 = static_cast<float>(i + 1) * 6.2832f / segments;
    ui.line(Vec2{c.x + rx * std::cos(a0), c.y + ry * std::sin(a0)},
            Vec2{c.x + rx * std::cos(a1), c.y + ry * std::sin(a1)}, p.previewFrame, ui.u(6));
  }
  if (view.photo.face && camera.streaming) {
    // The face the guide follows, mirrored like the picture.
    const auto f = *view.photo.face;
    const float fx = camera.mirrored ? 1 - f.x - f.width : f.x;
    // The preview is cropped to 3:4 around the centre; map through the same crop.
    float u0 = 0;
    float keep = 1;
    if (images.preview.width > 0 && images.preview.height > 0) {
      const float imageAspect =
          static_cast<float>(images.preview.width) / static_cast<float>(images.preview.height);
      keep = std::min(1.0f, 0.75f / imageAspect);
      u0 = (1 - keep) / 2;
    }
    const Rect box{frame.x + (fx - u0) / keep * frame.w, frame.y + f.y * frame.h,
                   f.width / keep * frame.w, f.height * frame.h};
    ui.stroke(box, s.hint == "countdown" || s.hint == "hold_still" ? p.success : p.previewFrame,
              ui.u(4), ui.u(12));
  }
  if (s.hint == "countdown" && s.countdown > 0) {
    // In a corner, never over the face.
    const float r = ui.u(96);
    const Vec2 at{frame.right() - r - ui.u(28), frame.y + r + ui.u(28)};
    ui.circle(at, r, p.primary);
    ui.text(std::to_string(s.countdown), FontRole::kHero, p.onPrimary,
            Rect{at.x - r, at.y - r, 2 * r, 2 * r}, Align::kCenter, true);
  }
  return out;
}

}  // namespace kiosk::ui
