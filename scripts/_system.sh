# Debian packages the tests need: Chromium for the browser tests (driven by Playwright, no
# browser download), poppler-utils to look at the PDFs as images, a CJK font so pages
# render Chinese. Installed once; later runs find them and skip this.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Chromium's own widgets (date picker, file chooser) in Chinese, as users see them.
[ -e /usr/lib/chromium/locales/zh-CN.pak ] || need+=(chromium-l10n)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; then
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
fi
