// What "read aloud" says on each guest screen: the instruction and the result the screen
// shows, in the words of the catalogs (so a translation is made once, for both eyes and
// ears). Nothing personal is spoken: no names, rooms or codes, only catalog sentences.
//
// Pure; any thread.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/flow.h"
#include "ui/catalog.h"

namespace kiosk::ui {

struct SpokenText {
  std::string id;                 // changes when what is said changes ("info/printed")
  std::vector<std::string> keys;  // the catalog keys spoken, in order
  std::string text;               // their texts in `language`, as sentences
  std::string language;
};

// Empty (no keys) on staff screens and screens with nothing to say.
SpokenText spokenText(const FlowState& state, const Catalogs& catalogs,
                      const std::string& language);

}  // namespace kiosk::ui
