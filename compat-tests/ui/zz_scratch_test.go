package ui_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/longshore/longshore/longshoretest"
)

func TestScratchShots(t *testing.T) {
	url := os.Getenv("SCRATCH_URL")
	if url == "" {
		t.Skip()
	}
	p := openPage(t, &longshoretest.Instance{URL: url})
	p.goTo("service", "arn:aws:ecs:us-east-1:000000000000:service/shop/web")
	for i := range 4 {
		time.Sleep(1500 * time.Millisecond)
		p.run(chromedp.EmulateViewport(1280, 900))
		png, _ := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		os.WriteFile("/tmp/bg-"+strconv.Itoa(i)+".png", png, 0o644)
	}
	id := eval[string](p, `document.querySelector(".service-tasks a[data-task-id]").getAttribute("href")`)
	p.run(chromedp.Navigate(p.base + id))
	time.Sleep(2 * time.Second)
	png, _ := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/task.png", png, 0o644)
	t.Log(p.consoleErrors())
}
