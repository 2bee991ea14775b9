"""Runs many AWS CLI v1 commands in one Python process, for the repository's tests.

Started by operate/testing/aws-cli.ts with the interpreter of the installed `aws` script and
the same throwaway environment (HOME, dummy credentials, region, no proxy) a single `aws` run
gets. Starting `aws` costs most of a second of CPU (Python, then botocore); this pays it once.

Each command goes through `awscli.clidriver.main()`, the function the `aws` script calls, with
`sys.argv` set as the script would see it: a fresh driver and botocore session per command, so
the real CLI code parses the options, builds, signs and sends the request and prints the answer.
File descriptors 1 and 2 are pointed at temporary files for the command's run, which also
catches what a child process prints (help goes through the `cat` pager); fd 0 is /dev/null.

Protocol: one JSON object per line on stdin, `{"argv": [...], "env": {"NAME": "value" or null}}`
(`env` changes the environment for that command only); one JSON line on stdout first,
`{"ready": true, "version": ...}` (or `{"ready": false, "error": ...}` when awscli cannot be
imported: not an AWS CLI v1 install), then one per command, `{"code", "stdout", "stderr", "ms"}`.
HOME must not change between commands: botocore reads ~/.aws/models once, when imported.

The commands share botocore's loader of model files (each would otherwise read and parse the
JSON models again, most of a command's CPU): what a long-lived botocore session does. It is
dropped after `configure`, which may add a model.
"""
import json
import os
import sys
import tempfile
import time
import traceback


def main():
    commands = os.fdopen(os.dup(0), "r", encoding="utf-8")
    results = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    def send(message):
        results.write(json.dumps(message) + "\n")
        results.flush()

    # What the aws script does before importing the CLI.
    if os.environ.get("LC_CTYPE", "") == "UTF-8":
        os.environ["LC_CTYPE"] = "en_US.UTF-8"
    try:
        import awscli
        import awscli.clidriver
    except Exception as error:  # not AWS CLI v1 (or a broken install): the caller runs `aws` instead
        send({"ready": False, "error": repr(error)})
        return 3
    loaders = share_loaders()
    send({"ready": True, "version": getattr(awscli, "__version__", "")})

    for line in commands:
        if not line.strip():
            continue
        command = json.loads(line)
        send(run(awscli.clidriver, command["argv"], command.get("env") or {}))
        if command["argv"][:1] == ["configure"]:
            loaders.clear()
    return 0


def share_loaders():
    """Makes botocore's sessions share one loader per data path; returns the cache to clear."""
    import botocore.loaders
    import botocore.session

    create = botocore.loaders.create_loader
    loaders = {}

    def shared(search_path_string=None):
        if search_path_string not in loaders:
            loaders[search_path_string] = create(search_path_string)
        return loaders[search_path_string]

    botocore.session.create_loader = shared
    return loaders


def run(clidriver, argv, env):
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    started = time.monotonic()
    try:
        sys.argv = ["aws", *argv]
        rc = clidriver.main()
        code = 0 if rc is None else rc
    except SystemExit as exit:  # argparse and some commands exit instead of returning
        code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        ms = round((time.monotonic() - started) * 1000)
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        os.close(saved_out)
        os.close(saved_err)
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    # As sys.exit would report it to a parent process.
    code = code & 0xFF
    return {"code": code, "stdout": read(out), "stderr": read(err), "ms": ms}


def read(file):
    file.seek(0)
    text = file.read().decode("utf-8", errors="replace")
    file.close()
    return text


if __name__ == "__main__":
    sys.exit(main())
