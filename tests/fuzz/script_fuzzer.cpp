// Script files drive the terminal in tests, demos and the image's boot test; a broken one
// must be refused or fail with a message, never crash the terminal.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/app/terminal_script.h"

namespace {

// A terminal that has every control, shows one screen and accepts every input.
class NullHost : public kiosk::app::ScriptHost {
 public:
  std::string screen() const override { return "attract"; }
  std::optional<std::pair<float, float>> controlCenter(const std::string&) const override {
    return std::pair{10.0F, 10.0F};
  }
  std::vector<std::string> controlNames() const override { return {"start", "key_a"}; }
  void pointer(float, float, bool) override {}
  kiosk::Status present(const std::string&) override { return kiosk::okStatus(); }
  kiosk::Status presentImage(const std::string&) override { return kiosk::okStatus(); }
  kiosk::Status presentFace(float, float, float) override { return kiosk::okStatus(); }
  kiosk::Status setLight(double) override { return kiosk::okStatus(); }
  kiosk::Status clearCamera() override { return kiosk::okStatus(); }
  void wedge(const std::string&) override {}
  kiosk::Status advance(kiosk::Millis) override { return kiosk::okStatus(); }
  void screenshot(const std::string&) override {}
  void stallStore(kiosk::Millis) override {}
  void resize(int, int) override {}
  void emit(const std::string&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto script = kiosk::app::parseScript(text, "/nonexistent");
  if (!script) {
    return 0;
  }
  kiosk::app::ScriptRunner runner(std::move(script).value());
  NullHost host;
  auto now = std::chrono::steady_clock::time_point{};
  for (int frame = 0; frame < 500; ++frame) {
    if (runner.step(host, now) != kiosk::app::ScriptRunner::Progress::kRunning) {
      break;
    }
    now += std::chrono::seconds(1);
  }
  return 0;
}
