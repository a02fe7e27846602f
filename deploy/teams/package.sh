#!/usr/bin/env bash
# Builds the Teams app package: manifest.json with the bot's app id filled
# in, and the two icons, zipped flat as Teams wants them. Upload the zip in
# Teams (Apps > Manage your apps > Upload an app) or the Teams admin center.
#
#   WAVEBOT_TEAMS_APP_ID=<Microsoft App ID> deploy/teams/package.sh [OUT.zip]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(realpath -m "${1:-wavebot-teams.zip}")"
app_id="${WAVEBOT_TEAMS_APP_ID:-}"
if [[ ! "$app_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
	echo "WAVEBOT_TEAMS_APP_ID: give the bot's Microsoft App ID (a GUID)" >&2
	exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s/{{APP_ID}}/$app_id/g" "$here/manifest.json" >"$work/manifest.json"
cp "$here/color.png" "$here/outline.png" "$work/"
rm -f "$out"
if command -v zip >/dev/null; then
	(cd "$work" && zip -qX "$out" manifest.json color.png outline.png)
else
	(cd "$work" && python3 -m zipfile -c "$out" manifest.json color.png outline.png)
fi
echo "$out"
