// kioskctl decode PATH...: reads the codes in still images with the kiosk's decoder (the
// same thorough entry point as the app's --image check-in) and prints one JSON line per
// image. Exit status: 0 every image had a code, 1 some had none, 2 a file could not be
// read.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "devices/camera/frame_decoder.h"
#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

namespace {
struct DecodeArgs {
  std::vector<std::string> paths;
  std::string formats = "qr";
  bool all = false;
};

double round4(float value) {
  return std::round(static_cast<double>(value) * 10000) / 10000;
}

int runDecode(const DecodeArgs& args) {
  const auto formats = devices::parseCodeFormats(args.formats);
  if (!formats) {
    std::cerr << "kioskctl decode: unknown format in \"" << args.formats << "\"\n";
    return 2;
  }
  int status = 0;
  for (const auto& path : args.paths) {
    nlohmann::ordered_json line;
    line["file"] = path;
    const auto start = std::chrono::steady_clock::now();
    auto codes = devices::decodeImageFile(path, *formats);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!codes) {
      line["found"] = false;
      line["error"] = codes.error().message;
      status = 2;
    } else if (codes->empty()) {
      line["found"] = false;
      status = std::max(status, 1);
    } else {
      const auto& best = codes->front();
      line["found"] = true;
      line["text"] = best.text;
      line["format"] = devices::toString(best.format);
      line["box"] = {round4(best.box.x), round4(best.box.y), round4(best.box.width),
                     round4(best.box.height)};
      if (args.all && codes->size() > 1) {
        auto& others = line["others"] = nlohmann::ordered_json::array();
        for (std::size_t i = 1; i < codes->size(); ++i) {
          others.push_back(
              {{"text", (*codes)[i].text}, {"format", devices::toString((*codes)[i].format)}});
        }
      }
    }
    line["ms"] = std::round(ms * 100) / 100;
    // Decoded bytes are UTF-8 from the decoder, but never let one odd code end the run.
    std::cout << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << "\n";
  }
  std::cout.flush();
  return status;
}
}  // namespace

void addDecodeCommand(CLI::App& app) {
  auto args = std::make_shared<DecodeArgs>();
  auto* cmd = app.add_subcommand("decode",
                                 "Read the QR codes in image files; one JSON line per image "
                                 "(exit 0 all found, 1 some without code, 2 unreadable file)");
  cmd->add_option("paths", args->paths, "Image files (png, jpg, bmp, pgm, webp, tiff)")->required();
  cmd->add_option("--formats", args->formats,
                  "Comma-separated symbologies: qr, micro_qr, data_matrix, aztec, pdf417, "
                  "code128, code39, code93, codabar, ean8, ean13, upca, upce, itf")
      ->capture_default_str();
  cmd->add_flag("--all", args->all, "Also list further codes found in an image");
  cmd->callback([args] {
    const int status = runDecode(*args);
    if (status != 0) {
      throw CtlExit{status};
    }
  });
}

}  // namespace kiosk::app
