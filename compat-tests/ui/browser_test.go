// Package ui_test drives the dashboard at /_longshore/ui/ in headless
// Chromium (through the DevTools protocol, github.com/chromedp/chromedp)
// while the AWS SDK changes what it shows.
package ui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/longshore/longshore/compat-tests/harness"
	"github.com/longshore/longshore/longshoretest"
)

// chromiumPath finds a Chromium (Debian's chromium package; .ci/run installs
// it) or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LONGSHORE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("Chromium is not installed (apt-get install chromium, or set LONGSHORE_CHROMIUM): the dashboard's browser tests need it")
	return ""
}

// page is one browser tab on the dashboard, recording console errors.
type page struct {
	t      *testing.T
	ctx    context.Context
	base   string
	mu     sync.Mutex
	errors []string
	// stretch multiplies every wait (see loadStretch).
	stretch float64
}

// openPage starts a headless Chromium with a 1280 px wide window.
func openPage(t *testing.T, ls *longshoretest.Instance) *page {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	p := &page{t: t, ctx: ctx, base: ls.URL + "/_longshore/ui/", stretch: loadStretch(t)}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleType("error") || m.IsException() {
				p.mu.Lock()
				p.errors = append(p.errors, m.String())
				p.mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return p
}

func (p *page) run(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// goTo opens a view of the default account and region.
func (p *page) goTo(view, id string) {
	p.t.Helper()
	u := p.base + "#/000000000000/us-east-1/" + view
	if id != "" {
		u += "/" + strings.ReplaceAll(id, "/", "%2F")
	}
	p.run(chromedp.Navigate(u))
	p.waitTrue(10*time.Second, "the "+view+" view to draw", `document.getElementById("live").textContent === "Live" && !document.querySelector("main > p:only-child")`)
}

// eval runs JavaScript in the page.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("browser: %v", err)
	}
	return out
}

// waitTrue polls a JavaScript condition.
func (p *page) waitTrue(within time.Duration, what, js string) {
	p.t.Helper()
	within = time.Duration(float64(within) * p.stretch)
	harness.Eventually(p.t, within, what, func() (bool, string) {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		defer cancel()
		// One round trip: "" when the condition holds, else what the page shows.
		seen, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { if (`+js+`) return ""; return "page: " + document.getElementById("main").innerText.slice(0, 600) })()`))
		if err != nil {
			return false, err.Error()
		}
		return seen == "", seen
	})
}

// confirm presses the dialog's confirm button after filling its fields.
func (p *page) confirm(fields map[string]string) {
	p.t.Helper()
	p.waitTrue(5*time.Second, "the confirmation dialog", `document.getElementById("confirm").open`)
	for name, v := range fields {
		eval[bool](p, fmt.Sprintf(`(() => { document.getElementById(%q).value = %q; return true })()`, "f-"+name, v))
	}
	p.run(chromedp.Click(chromedp.CSS("#confirm-ok")))
	p.waitTrue(10*time.Second, "the action to succeed and the dialog to close", `!document.getElementById("confirm").open`)
}

// noHorizontalScroll checks that the page is no wider than the window.
func (p *page) noHorizontalScroll(width int64, view string) {
	p.t.Helper()
	p.run(chromedp.EmulateViewport(width, 900))
	sw := eval[int64](p, `document.documentElement.scrollWidth`)
	cw := eval[int64](p, `document.documentElement.clientWidth`)
	if sw > cw {
		wide := eval[string](p, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className).join(", ")`)
		p.t.Errorf("%s view at %d px scrolls sideways: %d px of content (%s)", view, width, sw, wide)
	}
}

func (p *page) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// click clicks the element a selector finds (in the page itself: the view
// redraws its elements as changes arrive).
func (p *page) click(selector string) {
	p.t.Helper()
	if !eval[bool](p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.click(); return true })()`, selector)) {
		p.t.Fatalf("nothing to click at %s", selector)
	}
}

// pressEnter sends the Enter key to the focused element.
func (p *page) pressEnter() {
	p.t.Helper()
	p.run(chromedp.KeyEvent("\r"))
}

func taskIDs(p *page, selector string) []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll(`+fmt.Sprintf("%q", selector)+`)].map(e => e.dataset.taskId)`)
}

// loadStretch is how far the load average exceeds the processors (1 on an
// idle machine, at most 10): the page's deadlines, stated for a user's
// machine, are stretched by it on a runner shared with other jobs.
func loadStretch(t *testing.T) float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 1
	}
	load, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	if err != nil {
		return 1
	}
	factor := min(max(load/float64(runtime.NumCPU()), 1), 10)
	if factor > 1 {
		t.Logf("load average %.1f on %d processors: waits stretched %.1f times", load, runtime.NumCPU(), factor)
	}
	return factor
}
