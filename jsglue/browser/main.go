//go:build unix

// Command browser runs the loader (jsglue/lib/core.js) and the real core
// module in headless Chromium, the engine the game runs in, and exits
// non-zero unless every check of check.js passed.
//
// It serves the bundle (`make bundle` writes it to build/game) from the
// root of a local HTTP server, so the scripts' absolute imports
// ("/ramfarm/lib/core.js") resolve as they do in the game, serves
// check.html and check.js under /browser/, opens check.html in Chromium
// and waits for the page to post its verdict.
//
//	go run ./jsglue/browser --game build/game
package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed check.html check.js
var page embed.FS

// pass is the verdict of a page whose every check held. It names the
// checks, so a page that skipped one does not pass.
const pass = "pass: inflated compiled-once memd-grant bad-config trap fresh-instance"

// report is what check.html posts to /browser/report.
type report struct {
	Verdict string   `json:"verdict"`
	Errors  []string `json:"errors"` // window errors, unhandled rejections, console.error
	Agent   string   `json:"agent"`
}

func main() {
	game := flag.String("game", "build/game", "the bundle's root folder, as make bundle writes it")
	chromium := flag.String("chromium", "chromium", "the Chromium binary")
	timeout := flag.Duration("timeout", 2*time.Minute, "how long to wait for the page's verdict")
	flag.Parse()
	start := time.Now()
	agent, err := run(*game, *chromium, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "test-browser: FAIL:", err)
		os.Exit(1)
	}
	fmt.Printf("test-browser: %s (%s, %.1fs)\n", pass, agent, time.Since(start).Seconds())
}

// run serves the page, runs Chromium on it and judges the verdict. The
// error of a failed run carries everything seen: the verdict, the page's
// errors, the requests the server could not answer and Chromium's log.
func run(game, chromium string, timeout time.Duration) (agent string, err error) {
	for _, f := range []string{"ramfarm/lib/core.js", "ramfarm/lib/core-wasm.js"} {
		if _, err := os.Stat(filepath.Join(game, f)); err != nil {
			return "", fmt.Errorf("%w (run make bundle first)", err)
		}
	}
	srv := newServer(game)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()

	profile, err := os.MkdirTemp("", "ramfarm-chromium-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(profile)
	var log bytes.Buffer
	cmd := exec.Command(chromium,
		"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--user-data-dir="+profile,
		// Console messages go to the log, which a failure prints.
		"--enable-logging=stderr", "--log-level=0",
		"http://"+ln.Addr().String()+"/browser/check.html")
	cmd.Stdout, cmd.Stderr = &log, &log
	// Chromium starts helper processes; its own group lets them all be
	// ended together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	// Chromium ends its helpers when it shuts down on SIGTERM; SIGKILL
	// ends whatever of its group is left after a grace period.
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}

	var r report
	select {
	case r = <-srv.reports:
		stop()
	case <-exited:
		stop()
		return "", srv.failure(fmt.Errorf("chromium exited before the page reported: %v", waitErr), nil, log.String())
	case <-time.After(timeout):
		stop()
		return "", srv.failure(fmt.Errorf("no verdict from the page within %s", timeout), nil, log.String())
	}
	if r.Verdict != pass || len(r.Errors) > 0 {
		return "", srv.failure(errors.New("the page's checks failed"), &r, log.String())
	}
	return r.Agent, nil
}

// server serves the bundle from its root and the page under /browser/,
// takes the page's report, and remembers every request it failed.
type server struct {
	mux     *http.ServeMux
	reports chan report

	mu     sync.Mutex
	failed []string
}

func newServer(game string) *server {
	s := &server{mux: http.NewServeMux(), reports: make(chan report, 1)}
	s.mux.Handle("/", http.FileServer(http.Dir(game)))
	s.mux.Handle("GET /browser/", http.StripPrefix("/browser/", http.FileServerFS(page)))
	s.mux.HandleFunc("POST /browser/report", func(w http.ResponseWriter, req *http.Request) {
		var r report
		if err := json.NewDecoder(req.Body).Decode(&r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case s.reports <- r:
		default: // a second report: the first one decides
		}
	})
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rec, req)
	if rec.status >= 400 {
		s.mu.Lock()
		s.failed = append(s.failed, fmt.Sprintf("%s %s: %d", req.Method, req.URL.Path, rec.status))
		s.mu.Unlock()
	}
}

// failure builds the error of a failed run from all that was seen.
func (s *server) failure(cause error, r *report, log string) error {
	var b strings.Builder
	b.WriteString(cause.Error())
	if r != nil {
		fmt.Fprintf(&b, "\nverdict (want %q):\n%s", pass, indent(r.Verdict))
		if len(r.Errors) > 0 {
			fmt.Fprintf(&b, "\nthe page's errors:\n%s", indent(strings.Join(r.Errors, "\n")))
		}
		fmt.Fprintf(&b, "\nagent: %s", r.Agent)
	}
	s.mu.Lock()
	if len(s.failed) > 0 {
		fmt.Fprintf(&b, "\nrequests that failed:\n%s", indent(strings.Join(s.failed, "\n")))
	}
	s.mu.Unlock()
	var console []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			console = append(console, l)
		}
	}
	fmt.Fprintf(&b, "\nthe page's console:\n%s", indent(strings.Join(console, "\n")))
	if r == nil {
		// No verdict: the cause may be Chromium's own, and only its whole
		// log tells (most of it is noise about D-Bus, absent in a container).
		fmt.Fprintf(&b, "\nchromium's log:\n%s", indent(log))
	}
	return errors.New(b.String())
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "  (empty)"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
