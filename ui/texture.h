// An OpenGL texture the screens draw as an image (camera preview, photo, badge preview,
// roster text). Move-only; the GL name is deleted with the object.
//
// UI thread only (the one with the GL context). Uploads never fail visibly: a zero-size
// image leaves the texture empty (id() == 0).
#pragma once

#include <cstdint>
#include <span>

namespace kiosk::ui {

class Texture {
 public:
  enum class Format { kRgb, kRgba };

  Texture() = default;
  ~Texture();
  Texture(Texture&& other) noexcept;
  Texture& operator=(Texture&& other) noexcept;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;

  // Replaces the content; rows are tightly packed (width * 3 or width * 4 bytes).
  void upload(int width, int height, Format format, std::span<const std::uint8_t> pixels);
  void reset();

  std::uint32_t id() const { return id_; }
  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return id_ == 0; }

 private:
  std::uint32_t id_ = 0;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace kiosk::ui
