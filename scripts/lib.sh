# Shared helpers for scripts/run.sh and scripts/test.sh. Source it; do not execute it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$REPO_ROOT/.venv"
PYTHON="${PYTHON:-python3}"

# Coloured output only on a terminal.
if [[ -t 1 ]]; then
    _BOLD=$'\033[1m' _RED=$'\033[31m' _GREEN=$'\033[32m' _RESET=$'\033[0m'
else
    _BOLD="" _RED="" _GREEN="" _RESET=""
fi

header() {
    printf '\n%s==> %s%s\n' "$_BOLD" "$*" "$_RESET"
}

info() {
    printf '    %s\n' "$*"
}

warn() {
    printf '%sWARNING:%s %s\n' "$_RED" "$_RESET" "$*" >&2
}

die() {
    printf '%sERROR:%s %s\n' "$_RED" "$_RESET" "$*" >&2
    exit 1
}

# Run a command as root: directly when root, through sudo when available.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "root privileges are needed to run: $* (run as root or install sudo)"
    fi
}

deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_debian_packages PKG...: install the packages that are missing; apt-get update only if needed.
ensure_debian_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        warn "not a Debian-based system: make sure these are installed: $*"
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        info "already installed: $*"
        return 0
    fi
    info "installing: ${missing[*]}"
    local apt_opts=(-q -y -o DPkg::Lock::Timeout=300
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install --no-install-recommends \
        "${missing[@]}"
}

# Hash of a requirements file, of the files it includes with -r/-c, and of the venv's Python version.
_requirements_hash() {
    local file="$1"
    {
        "$VENV_DIR/bin/python" -c 'import sys; print(sys.version)'
        _requirements_files "$file" | while read -r f; do
            printf '%s\n' "$f"
            cat "$f"
        done
    } | sha256sum | cut -d' ' -f1
}

_requirements_files() {
    local file="$1" dir line inc
    dir="$(dirname "$file")"
    printf '%s\n' "$file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        if [[ "$line" =~ ^[[:space:]]*(-r|-c|--requirement|--constraint)[[:space:]=]+([^[:space:]#]+) ]]; then
            inc="${BASH_REMATCH[2]}"
            [[ "$inc" = /* ]] || inc="$dir/$inc"
            _requirements_files "$inc"
        fi
    done <"$file"
}

# ensure_venv REQUIREMENTS_FILE: create .venv if missing or broken, then pip install the file
# unless a stamp in .venv shows this exact content was already installed.
ensure_venv() {
    local req="$REPO_ROOT/$1"
    [[ -f "$req" ]] || die "$1 not found"

    if [[ -d "$VENV_DIR" ]] && ! "$VENV_DIR/bin/python" -c 'import sys' >/dev/null 2>&1; then
        warn "$VENV_DIR is broken; recreating it"
        rm -rf "$VENV_DIR"
    fi
    if [[ ! -d "$VENV_DIR" ]]; then
        command -v "$PYTHON" >/dev/null 2>&1 || ensure_debian_packages python3 python3-venv
        if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
            ensure_debian_packages python3-venv
        fi
        info "creating virtualenv in .venv with $("$PYTHON" --version 2>&1)"
        "$PYTHON" -m venv "$VENV_DIR" || { rm -rf "$VENV_DIR"; die "could not create $VENV_DIR"; }
    fi

    local stamp want
    stamp="$VENV_DIR/.installed-$(basename "$req").sha256"
    want="$(_requirements_hash "$req")"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        info "$1 already installed in .venv (unchanged)"
        return 0
    fi
    info "installing $1 into .venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV_DIR/bin/python" -m pip install --progress-bar off -q -r "$req"
    printf '%s\n' "$want" >"$stamp.tmp"
    mv "$stamp.tmp" "$stamp"
}

# Put the virtualenv first on PATH for the rest of the script.
activate_venv() {
    export VIRTUAL_ENV="$VENV_DIR"
    export PATH="$VENV_DIR/bin:$PATH"
    unset PYTHONHOME
}

# free_port START: print the first TCP port >= START free on 127.0.0.1 (or any free port).
free_port() {
    local py="$VENV_DIR/bin/python"
    "$py" -c '' 2>/dev/null || py="$PYTHON"
    "$py" - "$1" <<'EOF'
import socket
import sys

def free(port):
    with socket.socket() as s:
        # Like the servers do: a port held only by TIME_WAIT connections counts as free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

start = int(sys.argv[1])
port = next((p for p in range(start, start + 200) if free(p)), None)
if port is None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
print(port)
EOF
}
