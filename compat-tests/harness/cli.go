package harness

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The aws CLI v1 costs about a second of CPU per command before it sends
// anything: the pyenv shim, Python's start, importing botocore and parsing
// the service's model. A test binary runs hundreds of commands, so commands
// go to a few long-lived Python processes that run the CLI's own entry point
// (awscli.clidriver, exactly what the aws script calls) once per command,
// with the command's environment, and share botocore's model loader.
// LONGSHORE_CLI_EXEC=1 runs every command as its own aws process instead.

// cliDriver is the Python side: one JSON request per line on stdin, one JSON
// answer per line on the descriptor that was stdout when it started; the
// command's stdout and stderr go, combined, into the answer.
const cliDriver = `
import io, json, os, sys
import botocore.session
_create, _shared = botocore.session.create_loader, {}
def _loader(*args, **kwargs):
    if 'loader' not in _shared:
        _shared['loader'] = _create(*args, **kwargs)
    return _shared['loader']
botocore.session.create_loader = _loader
import awscli.clidriver
data_path = os.environ['AWS_DATA_PATH']  # set by importing awscli: where its own data is
answers = os.fdopen(os.dup(1), 'w')
os.dup2(2, 1)
for line in sys.stdin:
    req = json.loads(line)
    os.environ.clear()
    os.environ.update(req['env'])
    os.environ['AWS_DATA_PATH'] = data_path
    out = io.TextIOWrapper(io.BytesIO(), encoding='utf-8', write_through=True)
    sys.stdout = sys.stderr = out
    try:
        rc = awscli.clidriver.create_clidriver().main(req['args'])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException as e:
        out.write('%s: %s\n' % (type(e).__name__, e))
        rc = 255
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    answers.write(json.dumps({'rc': rc, 'out': out.buffer.getvalue().decode('utf-8', 'replace')}) + '\n')
    answers.flush()
`

// cliWorkers are the test binary's driver processes: the idle ones, how
// many run (at most cliMaxWorkers), and free, signalled when one is idle.
var cliWorkers = struct {
	sync.Mutex
	idle    []*cliWorker
	started int
	python  string
	checked bool
	free    chan struct{}
}{free: make(chan struct{}, cliMaxWorkers)}

const cliMaxWorkers = 4

type cliWorker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// cliExitError is a command's non-zero exit status, as exec's ExitError
// reports it for a process.
type cliExitError struct{ code int }

func (e cliExitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// runCLI runs one aws command with env (KEY=VALUE) and returns its combined
// output and a non-nil error when it exits non-zero.
func runCLI(path string, env, args []string) (string, error) {
	w, err := takeCLIWorker(path)
	if w == nil {
		if err != nil {
			return "", err
		}
		cmd := exec.Command(path, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	req, _ := json.Marshal(map[string]any{"args": args, "env": vars})
	var answer struct {
		RC  int    `json:"rc"`
		Out string `json:"out"`
	}
	if _, err := w.in.Write(append(req, '\n')); err != nil {
		w.stop()
		return "", fmt.Errorf("aws CLI driver: %w", err)
	}
	line, err := w.out.ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &answer) != nil {
		w.stop()
		return "", fmt.Errorf("aws CLI driver died: %v %s", err, line)
	}
	putCLIWorker(w)
	if answer.RC != 0 {
		return answer.Out, cliExitError{answer.RC}
	}
	return answer.Out, nil
}

// takeCLIWorker returns an idle driver, starts one, or returns nil when
// commands must run as processes (no Python found behind path, or
// LONGSHORE_CLI_EXEC set).
func takeCLIWorker(path string) (*cliWorker, error) {
	cliWorkers.Lock()
	defer cliWorkers.Unlock()
	if !cliWorkers.checked {
		cliWorkers.checked = true
		if os.Getenv("LONGSHORE_CLI_EXEC") == "" {
			cliWorkers.python = cliPython(path)
		}
	}
	if cliWorkers.python == "" {
		return nil, nil
	}
	for len(cliWorkers.idle) == 0 && cliWorkers.started >= cliMaxWorkers {
		cliWorkers.Unlock()
		waitForCLIWorker()
		cliWorkers.Lock()
	}
	if n := len(cliWorkers.idle); n > 0 {
		w := cliWorkers.idle[n-1]
		cliWorkers.idle = cliWorkers.idle[:n-1]
		return w, nil
	}
	cmd := exec.Command(cliWorkers.python, "-c", cliDriver)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("aws CLI driver: %w", err)
	}
	cliWorkers.started++
	return &cliWorker{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

func waitForCLIWorker() { <-cliWorkers.free }

func putCLIWorker(w *cliWorker) {
	cliWorkers.Lock()
	cliWorkers.idle = append(cliWorkers.idle, w)
	cliWorkers.Unlock()
	select {
	case cliWorkers.free <- struct{}{}:
	default:
	}
}

// stop ends a driver that failed; another is started in its place.
func (w *cliWorker) stop() {
	w.in.Close()
	_ = w.cmd.Process.Kill()
	_ = w.cmd.Wait()
	cliWorkers.Lock()
	cliWorkers.started--
	cliWorkers.Unlock()
	select {
	case cliWorkers.free <- struct{}{}:
	default:
	}
}

// cliPython finds the Python interpreter that runs the aws script: its
// #! line, or, behind a pyenv shim, the #! line of the script pyenv names.
func cliPython(path string) string {
	script := path
	if out, err := exec.Command("pyenv", "which", "aws").Output(); err == nil && isShim(path) {
		script = strings.TrimSpace(string(out))
	}
	f, err := os.Open(script)
	if err != nil {
		return ""
	}
	defer f.Close()
	first, _ := bufio.NewReader(f).ReadString('\n')
	interp, ok := strings.CutPrefix(strings.TrimSpace(first), "#!")
	if !ok || !strings.Contains(filepath.Base(strings.Fields(interp + " x")[0]), "python") {
		return ""
	}
	python := strings.Fields(interp)[0]
	if err := exec.Command(python, "-c", "import awscli.clidriver, botocore.session").Run(); err != nil {
		return ""
	}
	return python
}

func isShim(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && len(b) < 4096 && strings.Contains(string(b), "pyenv")
}
