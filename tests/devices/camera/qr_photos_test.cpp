// Golden test: real photos and scans of QR codes from zxing-cpp's v1.4.0 sample set
// (KIOSK_SHARED_DATA_DIR/qr-photos), each with its expected text, read through the
// still-image entry point the app and kioskctl use.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "devices/camera/frame_decoder.h"

namespace kiosk::devices {
namespace {

namespace fs = std::filesystem;

fs::path photoRoot() {
  return fs::path(KIOSK_SHARED_DATA_DIR) / "qr-photos";
}

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> imagesIn(const fs::path& dir) {
  std::vector<fs::path> images;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto ext = entry.path().extension().string();
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") {
      images.push_back(entry.path());
    }
  }
  std::sort(images.begin(), images.end());
  return images;
}

struct FolderResult {
  int images = 0;
  int correct = 0;
  std::vector<std::string> wrong;  // read, but not the expected text
  std::vector<std::string> missed;
  std::vector<std::string> multiple;  // correct, with other codes read as well
};

FolderResult decodeFolder(const fs::path& dir) {
  FolderResult result;
  for (const auto& image : imagesIn(dir)) {
    ++result.images;
    fs::path expectedPath = image;
    expectedPath.replace_extension(".txt");
    // The expected text is compared byte for byte: MEBKM escapes ("http\:") and trailing
    // newlines in some files are part of what the codes encode.
    const std::string expected = readBytes(expectedPath);
    auto codes = decodeImageFile(image.string());
    if (!codes.ok()) {
      ADD_FAILURE() << image << ": " << codes.error().message;
      continue;
    }
    // A photo may hold more than one code (a "double QR" nests a small code in a large
    // one, both readable): it counts as read when the expected text is among the codes
    // found. Codes found without the expected text among them are a misread.
    const bool found = std::any_of(codes->begin(), codes->end(),
                                   [&](const DecodedCode& code) { return code.text == expected; });
    if (codes->empty()) {
      result.missed.push_back(image.filename().string());
    } else if (found) {
      ++result.correct;
      if (codes->size() > 1) {
        result.multiple.push_back(image.filename().string());
      }
    } else {
      result.wrong.push_back(image.filename().string());
    }
  }
  return result;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

class QrPhotos : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(QrPhotos, ReadsAtLeastWhatZxingsOwnBlackboxTestRequires) {
  const auto [folder, required] = GetParam();
  const fs::path dir = photoRoot() / folder;
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << "QR photo set not found at " << dir
                 << " (shared test data is not part of the repository)";
  }
  const FolderResult result = decodeFolder(dir);
  ASSERT_GT(result.images, 0) << "no images in " << dir;
  std::cout << folder << ": " << result.correct << "/" << result.images
            << " read correctly (required " << required << "); missed: " << join(result.missed)
            << "; several codes in: " << join(result.multiple) << "\n";
  EXPECT_GE(result.correct, required);
  EXPECT_TRUE(result.wrong.empty()) << "misread: " << join(result.wrong);
}

INSTANTIATE_TEST_SUITE_P(Folders, QrPhotos,
                         ::testing::Values(std::pair{"qrcode-1", 16}, std::pair{"qrcode-2", 44},
                                           std::pair{"qrcode-3", 25}, std::pair{"qrcode-5", 16}),
                         [](const auto& paramInfo) {
                           std::string name = paramInfo.param.first;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(QrPhotosFalsePositives, FindsNothingInPhotosWithoutCodes) {
  const fs::path dir = photoRoot() / "falsepositives-2";
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << "QR photo set not found at " << dir
                 << " (shared test data is not part of the repository)";
  }
  const auto images = imagesIn(dir);
  ASSERT_FALSE(images.empty());
  for (const auto& image : images) {
    auto codes = decodeImageFile(image.string());
    ASSERT_TRUE(codes.ok()) << image << ": " << codes.error().message;
    EXPECT_TRUE(codes->empty()) << image.filename() << " read as \"" << codes->front().text << "\"";
  }
}

}  // namespace
}  // namespace kiosk::devices
