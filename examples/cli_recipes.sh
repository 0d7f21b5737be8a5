#!/usr/bin/env bash
# Recipes for cvat-cli, CVAT's command line tool: make a project and a task from local
# images, list the jobs, download frames, auto-annotate, export and re-import the
# annotations, back the task up and restore it, and clean up.
#
# Run from the repository root, with the server and the user in the environment:
#
#   CVAT_SERVER=http://localhost:8080 CVAT_USER=me CVAT_PASSWORD=my-password \
#       bash examples/cli_recipes.sh IMAGE_DIR OUT_DIR
#
# cvat-cli takes the server from CVAT_SERVER (or --server-host), the user from CVAT_USER (or
# --auth) and the password from CVAT_PASSWORD, so it stays out of the shell history: the same
# variables as the Python examples. With a personal access token (CVAT 2.48 and newer) set
# CVAT_ACCESS_TOKEN instead of the user and password.
#
# The script deletes what it creates on the server; the downloaded files stay in OUT_DIR.
set -euo pipefail

IMAGES="${1:?usage: cli_recipes.sh IMAGE_DIR OUT_DIR}"
OUT="${2:?usage: cli_recipes.sh IMAGE_DIR OUT_DIR}"

# A project with its labels. Create commands print the new object's id on stdout.
PROJECT_ID=$(cvat-cli project create "cli recipes" \
    --labels '[{"name": "square", "type": "rectangle"}]')

# A task in the project from the PNG images of IMAGE_DIR, split into jobs of 2 frames.
TASK_ID=$(cvat-cli task create "cli recipes task" local "$IMAGES"/*.png \
    --project_id "$PROJECT_ID" --segment_size 2)

# The task's jobs as a table (--json gives all their fields).
cvat-cli job ls --task-id "$TASK_ID" --table

# Frames 0 and 1 as image files in OUT_DIR (named task_<ID>_frame_<N>.png).
cvat-cli task frames "$TASK_ID" 0 1 --outdir "$OUT"

# Annotate every frame with the detection function of auto_annotate.py, with a parameter.
cvat-cli task auto-annotate "$TASK_ID" --function-file examples/auto_annotate.py \
    -p threshold=int:240

# Export the annotations (without images) in CVAT format, then import them back, as after
# correcting them in another tool.
cvat-cli task export-dataset "$TASK_ID" "$OUT/annotations.zip" --format "CVAT for images 1.1"
cvat-cli task import-dataset "$TASK_ID" "$OUT/annotations.zip" --format "CVAT 1.1"

# A backup holds the task's images, annotations and settings; restoring makes a new task.
cvat-cli task backup "$TASK_ID" "$OUT/task_backup.zip"
RESTORED_ID=$(cvat-cli task create-from-backup "$OUT/task_backup.zip")

# Clean up: deleting the project also deletes the task in it.
cvat-cli task delete "$RESTORED_ID"
cvat-cli project delete "$PROJECT_ID"
