# shellcheck shell=bash
# Shared by rauc-bootloader and boot-check: the ESP (mounted read-only at /boot/efi) made
# writable for one change, under a lock, and read-only again.
#
# Its boot entries are the unified kernel images EFI/Linux/kiosk-GEN-SLOT[+LEFT[-DONE]].efi:
# SLOT a or b, GEN a number that grows with each switch. systemd-boot boots the entry
# that sorts first: entries with boot tries left before used-up ones, then the highest
# GEN. "+LEFT-DONE" is systemd-boot's boot counter: each start of the entry moves one try
# from LEFT to DONE; at +0 the entry is used up and the other slot boots again.
# systemd-bless-boot removes the counter once the new slot has proven itself.
esp=/boot/efi
esp_entries=$esp/EFI/Linux
esp_lock=/run/kiosk-esp.lock

# esp_entry SLOT -> the file name of SLOT's entry, or nothing
esp_entry() {
  local f
  for f in "$esp_entries"/kiosk-*-"$1".efi "$esp_entries"/kiosk-*-"$1"+*.efi; do
    [ -f "$f" ] && basename "$f" && return 0
  done
  return 0
}

# esp_gen NAME -> GEN; esp_left NAME -> LEFT ("" without a counter)
esp_gen() {
  local n=${1#kiosk-}
  echo "${n%%-*}"
}
esp_left() {
  case "$1" in
    *+*) local n=${1#*+} && n=${n%.efi} && echo "${n%%-*}" ;;
    *) echo "" ;;
  esac
}

# esp_usable NAME: an entry systemd-boot still boots (no counter, or tries left)
esp_usable() {
  [ -n "$1" ] && [ "$(esp_left "$1")" != 0 ]
}

# esp_write COMMAND...: runs COMMAND with the ESP writable, under the lock
esp_write() {
  (
    flock 9
    mount -o remount,rw "$esp" || exit 1
    status=0
    ("$@") || status=$?
    sync -f "$esp/loader" 2>/dev/null || sync
    mount -o remount,ro "$esp" || echo "kiosk-esp: could not make $esp read-only again" >&2
    exit "$status"
  ) 9> "$esp_lock"
}
