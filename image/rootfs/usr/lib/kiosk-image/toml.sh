# Shell helpers for the provisioning file (sourced). They read the small subset of TOML
# the provisioning keys use: one `key = value` per line, strings in double or single
# quotes without escapes, booleans, whole numbers, comments. The terminal itself parses
# its configuration with a real TOML parser and refuses a bad file.

# toml_get FILE SECTION KEY: prints the value, unquoted; nothing when absent.
toml_get() {
  awk -v want_section="$2" -v want_key="$3" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s); return s }
    /^[ \t]*#/ { next }
    /^[ \t]*\[/ {
      s = trim($0); sub(/[ \t]*#.*$/, "", s); gsub(/^\[[ \t]*|[ \t]*\]$/, "", s)
      section = s; next
    }
    section == want_section {
      eq = index($0, "=")
      if (eq == 0) next
      key = trim(substr($0, 1, eq - 1))
      gsub(/^["\x27]|["\x27]$/, "", key)
      if (key != want_key) next
      value = trim(substr($0, eq + 1))
      q = substr(value, 1, 1)
      if (q == "\"" || q == "\x27") {
        value = substr(value, 2); end = index(value, q)
        if (end > 0) value = substr(value, 1, end - 1)
      } else {
        sub(/[ \t]*#.*$/, "", value)
      }
      print value
      exit
    }' "$1"
}

# toml_has_section FILE SECTION: true when the file has a [SECTION] table.
toml_has_section() {
  grep -Eq "^[[:space:]]*\[[[:space:]]*$2[[:space:]]*\]" "$1"
}

# toml_without_section SECTION < IN > OUT: the file without the [SECTION] table.
toml_without_section() {
  awk -v drop="$1" '
    /^[ \t]*\[/ {
      s = $0; sub(/[ \t]*#.*$/, "", s); gsub(/^[ \t]*\[[ \t]*|[ \t]*\][ \t]*$/, "", s)
      skipping = (s == drop)
    }
    !skipping { print }'
}
