#include "ui/texture.h"

#include <GL/gl.h>

#include <utility>

namespace kiosk::ui {

Texture::~Texture() {
  reset();
}

Texture::Texture(Texture&& other) noexcept
    : id_(std::exchange(other.id_, 0)),
      width_(std::exchange(other.width_, 0)),
      height_(std::exchange(other.height_, 0)) {}

Texture& Texture::operator=(Texture&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, 0);
    width_ = std::exchange(other.width_, 0);
    height_ = std::exchange(other.height_, 0);
  }
  return *this;
}

void Texture::upload(int width, int height, Format format, std::span<const std::uint8_t> pixels) {
  const std::size_t channels = format == Format::kRgb ? 3 : 4;
  if (width <= 0 || height <= 0 ||
      pixels.size() <
          static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * channels) {
    reset();
    return;
  }
  const bool sameSize = id_ != 0 && width == width_ && height == height_;
  if (id_ == 0) {
    GLuint id = 0;
    glGenTextures(1, &id);
    id_ = id;
  }
  glBindTexture(GL_TEXTURE_2D, id_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  const GLenum glFormat = format == Format::kRgb ? GL_RGB : GL_RGBA;
  if (sameSize) {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, glFormat, GL_UNSIGNED_BYTE,
                    pixels.data());
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, format == Format::kRgb ? GL_RGB8 : GL_RGBA8, width, height, 0,
                 glFormat, GL_UNSIGNED_BYTE, pixels.data());
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  width_ = width;
  height_ = height;
}

void Texture::reset() {
  if (id_ != 0) {
    GLuint id = id_;
    glDeleteTextures(1, &id);
  }
  id_ = 0;
  width_ = 0;
  height_ = 0;
}

}  // namespace kiosk::ui
