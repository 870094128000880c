"""The ``ssh`` and ``scp`` an episode's shell finds on its PATH.

They are bash scripts, written per episode and mounted read-only at
``/usr/local/bin``. ``scp`` copies with ``cp`` between the agent's machine and
``/.ethos/servers/<host>``; ``ssh HOST CMD`` runs ``CMD`` in a nested
bubblewrap sandbox whose root is that server's directory, so an absolute path
in the command means the server's file, as on a real machine. Unknown hosts
fail as ssh does (exit 255, "Could not resolve hostname").
"""

from __future__ import annotations

import shlex

_COMMON = r"""#!/bin/bash
# Written by ethos for this episode: other machines are directories, not a network.
SERVERS=/.ethos/servers
SELF_HOST={self_host}
DEFAULT_USER={user}

# host_root HOST: the directory of server HOST, or fail as ssh does.
host_root() {{
    if [[ "$1" == "$SELF_HOST" || "$1" == localhost || "$1" == 127.0.0.1 ]]; then
        printf '%s' "/"
        return 0
    fi
    if [[ "$1" == */* || "$1" == .* || ! -d "$SERVERS/$1" ]]; then
        echo "ssh: Could not resolve hostname $1: Name or service not known" >&2
        return 255
    fi
    printf '%s' "$SERVERS/$1"
}}
"""

_SCP = r"""
recursive=()
preserve=()
operands=()
while (($#)); do
    case "$1" in
        --) shift; operands+=("$@"); break ;;
        -r) recursive=(-r) ;;
        -p) preserve=(-p) ;;
        -[346BCOTqv]) ;;
        -[PiocFlSJ]) shift ;;
        -[PiocFlSJ]*) ;;
        -*) echo "scp: unknown option -- ${1#-}" >&2; exit 1 ;;
        *) operands+=("$1") ;;
    esac
    shift
done
if ((${#operands[@]} < 2)); then
    echo "usage: scp [-rp] [-P port] source ... target" >&2
    exit 1
fi
mapped=()
for operand in "${operands[@]}"; do
    if [[ "$operand" =~ ^(([A-Za-z0-9_.-]+)@)?([A-Za-z0-9_.-]+):(.*)$ ]]; then
        login="${BASH_REMATCH[2]:-$DEFAULT_USER}"
        host="${BASH_REMATCH[3]}"
        path="${BASH_REMATCH[4]}"
        root="$(host_root "$host")" || { echo "scp: Connection closed" >&2; exit 255; }
        root="${root%/}"
        if [[ "$path" == /* ]]; then
            mapped+=("$root$path")
        elif [[ -z "$path" ]]; then
            mapped+=("$root/home/$login/")
        else
            mapped+=("$root/home/$login/$path")
        fi
    else
        mapped+=("$operand")
    fi
done
# errors name host:path, not the directory behind it; a pipe, not a process
# substitution, so the message is written before scp exits (and the command's
# stderr ends with it)
exec 3>&1
cp "${recursive[@]}" "${preserve[@]}" -- "${mapped[@]}" 2>&1 1>&3 3>&- \
    | sed -e "s#$SERVERS/\([^/]*\)#\1:#g" >&2
exit "${PIPESTATUS[0]}"
"""

_SSH = r"""
login="$DEFAULT_USER"
while (($#)); do
    case "$1" in
        --) shift; break ;;
        -l) shift; login="$1" ;;
        -[pioFJLRDEbcemOQSWw]) shift ;;
        -[pioFJLRDEbcemOQSWwl]*) ;;
        -[tTnNqvxXAaCfgkKMsVY46]*) ;;
        -*) echo "ssh: unknown option -- ${1#-}" >&2; exit 255 ;;
        *) break ;;
    esac
    shift
done
if (($# == 0)); then
    echo "usage: ssh [-l login] [user@]host [command]" >&2
    exit 255
fi
target="$1"; shift
if [[ "$target" == *@* ]]; then login="${target%%@*}"; target="${target#*@}"; fi
root="$(host_root "$target")" || exit 255
if [[ "$root" == / ]]; then
    if (($#)); then exec bash -c "$*"; else exec bash; fi
fi
binds=()
for dir in "$root"/*/ "$root"/.[!.]*/; do
    [[ -d "$dir" && ! -L "${dir%/}" ]] || continue
    name="$(basename "$dir")"
    binds+=(--bind "${dir%/}" "/$name")
done
home="/home/$login"
[[ -d "$root$home" ]] || home=/
if (($#)); then command=(bash -c "$*"); else command=(bash); fi
exec bwrap {system_binds} --ro-bind /etc /etc --dev /dev --proc /proc \
    --unshare-user --unshare-pid --unshare-uts --hostname "$target" \
    --uid "$(id -u)" --gid "$(id -g)" --die-with-parent \
    "${binds[@]}" --remount-ro / --chdir "$home" \
    --setenv HOME "$home" --setenv USER "$login" --setenv LOGNAME "$login" \
    --setenv HOSTNAME "$target" \
    "${command[@]}"
"""


def scp_script(*, self_host: str, user: str) -> str:
    """The ``scp`` shim for an episode whose machine is ``self_host``."""
    return _COMMON.format(self_host=shlex.quote(self_host), user=shlex.quote(user)) + _SCP


def ssh_script(*, self_host: str, user: str, system_binds: list[str]) -> str:
    """The ``ssh`` shim; ``system_binds`` are the bwrap arguments that give a
    server the same read-only system (``/usr`` and its symlinks) as the episode."""
    return _COMMON.format(self_host=shlex.quote(self_host), user=shlex.quote(user)) + _SSH.replace(
        "{system_binds}", " ".join(shlex.quote(arg) for arg in system_binds)
    )
