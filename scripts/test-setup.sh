#!/usr/bin/env bash
# Installs what the test suite needs beyond `npm install`, where it is missing:
#   - Chromium for the end-to-end tests (Debian's package; Playwright's own download is not used),
#   - NIST sclite (Debian's sctk) for the test that checks our CER/WER counts against it,
#   - Praat and xmllint, the independent readers the interop tests check TextGrid and EAF files with,
#   - a PostgreSQL server for the data-layer tests, unless TEST_DATABASE_URL points at one.
# ffmpeg needs nothing here: when it is not on PATH the npm-shipped binary is used.
# Installing needs root (or sudo) and Debian's package archive; otherwise it says what to do and stops.
set -euo pipefail

say() { printf 'test-setup: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
	else return 1
	fi
}

apt_updated=0
apt_install() {
	command -v apt-get >/dev/null || return 1
	if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq || return 1; apt_updated=1; fi
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_ready() { node -e "
	const pg = require('pg');
	const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
	c.connect().then(() => c.query('select 1')).then(() => process.exit(0), () => process.exit(1));
" "$pg_url"; }

# Chromium
if [ ! -x /usr/bin/chromium ]; then
	say 'installing Debian chromium for the end-to-end tests'
	apt_install chromium || { say 'Chromium is missing and could not be installed: run "apt-get install chromium" as root.'; exit 1; }
fi

# NIST sclite
if ! command -v sctk >/dev/null; then
	say 'installing Debian sctk (NIST sclite) for the metrics cross-check'
	apt_install sctk || { say 'sclite is missing and could not be installed: run "apt-get install sctk" as root.'; exit 1; }
fi

# Praat (headless praat_nogui) and xmllint for the interop tests
if ! command -v praat_nogui >/dev/null; then
	say 'installing Debian praat for the TextGrid tests'
	apt_install praat || { say 'Praat is missing and could not be installed: run "apt-get install praat" as root.'; exit 1; }
fi
if ! command -v xmllint >/dev/null; then
	say 'installing Debian libxml2-utils (xmllint) for the EAF tests'
	apt_install libxml2-utils || { say 'xmllint is missing and could not be installed: run "apt-get install libxml2-utils" as root.'; exit 1; }
fi

# PostgreSQL
if ! pg_ready; then
	if [ -n "${TEST_DATABASE_URL:-}" ]; then
		say "TEST_DATABASE_URL is set but no PostgreSQL answers there ($pg_url)."; exit 1
	fi
	if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
		say 'installing Debian postgresql for the data-layer tests'
		apt_install postgresql || { say 'No PostgreSQL server: install one ("apt-get install postgresql") or set TEST_DATABASE_URL=postgres://user@host:port/db.'; exit 1; }
	fi
	version=$(ls /etc/postgresql | sort -V | tail -n 1)
	conf=/etc/postgresql/$version/main
	# Local trust auth over TCP for the throwaway test database, as on the CI machines.
	if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf" 2>/dev/null; then
		as_root sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
	fi
	say "starting PostgreSQL $version"
	as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || as_root pg_ctlcluster "$version" main restart
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	if ! pg_ready; then
		as_root su postgres -c "createdb -h 127.0.0.1 test" || true
	fi
	pg_ready || { say "PostgreSQL did not come up at $pg_url; set TEST_DATABASE_URL to a server you have."; exit 1; }
fi
say 'ready'
