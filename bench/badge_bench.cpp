// Badge rendering cost per stock size: the one-page PDF for the printer and the raster
// preview for the screen (150 dpi) and for raster printers (300 dpi), with a name that
// exercises fallback fonts, and a photo. Percentiles over repeated renders after a
// warm-up (the first render on a thread loads fontconfig's font list; reported apart).
#include <chrono>
#include <cstdlib>

#include "bench_table.h"
#include "devices/printing/badge_renderer.h"
#include "documents/image_codec.h"

namespace {

using kiosk::bench::row;
using kiosk::bench::Samples;
using namespace kiosk::devices;

constexpr int kRuns = 40;

BadgeData benchBadge() {
  BadgeData d;
  d.eventName = "2026 Global Logistics Summit · 全球物流峰会";
  d.guestName = "李 Chris 王 🚀";
  d.company = "Shanghai Port Authority 上海港务局";
  d.title = "Deputy Director";
  d.category = kiosk::GuestCategory::kVip;
  d.categoryLabel = "VIP 贵宾";
  d.meetingName = "Plenary: Future of Ports";
  d.meetingRoom = "Hall A";
  d.seat = "12-08";
  d.qrText =
      "KT1:AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAE"
      "AQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCA";
  RgbaImage photo;
  photo.width = 480;
  photo.height = 600;
  photo.pixels.resize(static_cast<std::size_t>(photo.width * photo.height * 4));
  // A smooth portrait-like gradient: compresses like a camera photo (tens of KiB).
  for (int y = 0; y < photo.height; ++y) {
    for (int x = 0; x < photo.width; ++x) {
      std::uint8_t* p = photo.at(x, y);
      p[0] = static_cast<std::uint8_t>(120 + x / 8);
      p[1] = static_cast<std::uint8_t>(90 + y / 10);
      p[2] = static_cast<std::uint8_t>(140 - y / 8);
      p[3] = 255;
    }
  }
  d.photoJpeg = *encodeJpeg(photo, 85);
  return d;
}

}  // namespace

int main() {
  auto t = defaultBadgeTemplate();
  if (!t) {
    std::fprintf(stderr, "%s\n", t.error().message.c_str());
    return 2;
  }
  const BadgeRenderer renderer(std::move(*t));
  const BadgeData data = benchBadge();

  Samples first;
  first.time([&] {
    if (!renderer.renderPdf(data, BadgeSize::kCr80)) {
      std::abort();
    }
  });
  row("badge", "first render on a thread (fontconfig load), cr80 PDF", first.percentile(50), "ms");

  for (const BadgeSize size : kAllBadgeSizes) {
    const std::string name = toString(size);
    Samples pdf;
    Samples png150;
    Samples png300;
    std::size_t bytes = 0;
    for (int i = 0; i < kRuns; ++i) {
      pdf.time([&] {
        auto r = renderer.renderPdf(data, size);
        if (!r) {
          std::abort();
        }
        bytes = r->size();
      });
      png150.time([&] {
        if (!renderer.renderRgba(data, size, 150)) {
          std::abort();
        }
      });
      png300.time([&] {
        if (!renderer.renderRgba(data, size, 300)) {
          std::abort();
        }
      });
    }
    row("badge", name + " PDF render p50", pdf.percentile(50), "ms");
    row("badge", name + " PDF render p95", pdf.percentile(95), "ms");
    row("badge", name + " PDF size", static_cast<double>(bytes) / 1024.0, "KiB");
    row("badge", name + " RGBA preview 150 dpi p50", png150.percentile(50), "ms");
    row("badge", name + " RGBA preview 150 dpi p95", png150.percentile(95), "ms");
    row("badge", name + " RGBA raster 300 dpi p50", png300.percentile(50), "ms");
  }
  return 0;
}
