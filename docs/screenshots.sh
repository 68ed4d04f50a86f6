#!/bin/sh
# Regenerates the console screenshots in docs/ (run from the repository root after a build).
# Each is taken under Xvfb with Mesa's software Vulkan driver, at the size a room's projector
# has: 1280x720 for the timeline and validation screens, 1920x1080 for the map and charts.
set -eu
bin=${TIDEWATCH:-./target/debug/tidewatch}
shot() {
    WGPU_BACKEND=vulkan xvfb-run -a -s "-screen 0 1920x1080x24" "$bin" console "$@" >/dev/null 2>&1
}
shot --set teams.ag-npc.auto=false --screenshot docs/console.png --after 30h
shot --size 1280x720 --screen timeline --screenshot docs/console-timeline-1280x720.png --after 5h30m
shot --size 1280x720 --screen validation --set teams.ag-npc.auto=false \
    --screenshot docs/console-validation-1280x720.png --after 7h
shot --size 1920x1080 --screen charts --screenshot docs/console-charts-1920x1080.png --after 2d
shot --size 1920x1080 --scale 1.25 --screen map --screenshot docs/console-map-1920x1080.png --after 1d6h
shot --size 1280x720 --screen compose --set teams.ag-npc.auto=false \
    --screenshot docs/console-compose-1280x720.png --after 7h
# The discussion tabletop at the end of its first module: the module's questions are up.
shot tabletop-ransomware --size 1280x720 --screen timeline \
    --screenshot docs/console-tabletop-1280x720.png --after 1h50m
# The regional hub's window when trainees play it: members, items to relay, a request waiting.
shot --team regional-hub --set teams.regional-hub.auto=false --size 1500x940 \
    --screenshot docs/hub-window.png --after 14h30m
# Presenting on a 1280x720 projector at 150%: every screen, one at a time, the side panels folded.
for screen in map timeline validation charts compose feed islands desk; do
    shot --present --size 1280x720 --scale 1.5 --screen "$screen" --set teams.ag-npc.auto=false \
        --screenshot "docs/present-$screen-1280x720.png" --after 30h
done
# A region across the 180th meridian (Fiji, Tonga, Samoa) after the Tonga Cable is cut: drawn in
# one piece, the cut cable (red) beside the satellite path that carries Tonga's traffic now.
shot tests/data/pacific.ron --size 1280x720 --screen map \
    --screenshot docs/console-map-pacific-1280x720.png --after 13h
