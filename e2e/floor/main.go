// Command floor is the least a Fyne dashboard window can cost: a window
// the size of flashdeck's (1280×800) holding a grid of labels, of which a
// share get a new figure once a second, and nothing else — no stream, no
// model, no sorting. `make bench-floor` runs it under Xvfb beside the
// remote desktop's bench, so the desktop's CPU and memory can be read
// against what Fyne and the GL driver take on the same machine before
// flashdeck does anything.
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	rows := flag.Int("rows", 1, "rows of labels")
	cols := flag.Int("cols", 1, "labels per row")
	change := flag.Float64("change", 0, "share of the labels given a new figure each second (0: none, an idle window)")
	quitAfter := flag.Duration("quit-after", time.Minute, "quit after this long")
	flag.Parse()
	if *rows < 1 || *cols < 1 || *rows**cols > 10_000 || *change < 0 || *change > 1 || *quitAfter <= 0 {
		fmt.Fprintln(os.Stderr, "floor: -rows and -cols from 1 (at most 10,000 labels), -change from 0 to 1, -quit-after above 0")
		os.Exit(2)
	}

	a := app.New()
	w := a.NewWindow("floor")
	grid := container.NewGridWithColumns(*cols)
	labels := make([]*widget.Label, *rows**cols)
	for i := range labels {
		labels[i] = widget.NewLabel("0")
		grid.Add(labels[i])
	}
	w.SetContent(container.NewVBox(grid))
	w.Resize(fyne.NewSize(1280, 800))

	// Figures of the launch's size (up to six digits with grouping), new
	// ones each time, as a sale's counts are: each is a text Fyne has not
	// drawn before.
	rnd := rand.New(rand.NewPCG(1, 2))
	go func() {
		for range time.Tick(time.Second) {
			fyne.Do(func() {
				for _, l := range labels {
					if rnd.Float64() < *change {
						n := rnd.IntN(1_000_000)
						l.SetText(fmt.Sprintf("%d,%03d", n/1000, n%1000))
					}
				}
			})
		}
	}()
	time.AfterFunc(*quitAfter, func() { fyne.Do(a.Quit) })
	w.ShowAndRun()
}
