"""python-tuf's ngclient behind the TUF conformance suite's client protocol, the same command
line as `chainscope tuf-client`, so every scenario can run through both clients:

    tuf_client.py --metadata-dir DIR init TRUSTED_ROOT
    tuf_client.py --metadata-dir DIR --metadata-url URL refresh
    tuf_client.py --metadata-dir DIR --metadata-url URL --target-name PATH ...
                  --target-base-url URL --target-dir DIR download

`--now RFC3339` fixes the time for tests. Exit 0 on success, 1 on any failure.
"""

import argparse
import os
import shutil
import sys
from datetime import datetime, timezone

from tuf.ngclient import Updater


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metadata-dir", required=True)
    parser.add_argument("--metadata-url")
    parser.add_argument("--target-name", action="append", default=[])
    parser.add_argument("--target-base-url")
    parser.add_argument("--target-dir")
    parser.add_argument("--now")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init").add_argument("trusted_root")
    commands.add_parser("refresh")
    commands.add_parser("download")
    args = parser.parse_args()
    try:
        if args.command == "init":
            os.makedirs(args.metadata_dir, exist_ok=True)
            shutil.copyfile(args.trusted_root, os.path.join(args.metadata_dir, "root.json"))
            return 0
        updater = Updater(args.metadata_dir, args.metadata_url, args.target_dir,
                          args.target_base_url, bootstrap=None)
        if args.now:
            now = datetime.strptime(args.now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            updater._trusted_set.reference_time = now
        updater.refresh()
        if args.command == "download":
            for name in args.target_name:
                info = updater.get_targetinfo(name)
                if info is None:
                    raise RuntimeError(f"target {name} not found")
                if updater.find_cached_target(info) is None:
                    updater.download_target(info)
    except Exception as e:  # noqa: BLE001 - any failure is exit 1, as the protocol says
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
