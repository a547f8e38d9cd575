// Command floor is the least a Fyne dashboard window can cost: a window
// the size of flashdeck's (1280×800) holding a grid of labels, some of
// which get a new figure once a second, and nothing else — no stream, no
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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func main() {
	rows := flag.Int("rows", 1, "rows of labels")
	cols := flag.Int("cols", 1, "labels per row")
	perSecond := flag.Int("new", 0, "labels given a new figure each second (0: none, an idle window)")
	quitAfter := flag.Duration("quit-after", time.Minute, "quit after this long")
	flag.Parse()
	if *rows < 1 || *cols < 1 || *rows**cols > 10_000 || *perSecond < 0 || *perSecond > *rows**cols || *quitAfter <= 0 {
		fmt.Fprintln(os.Stderr, "floor: -rows and -cols from 1 (at most 10,000 labels), -new from 0 to the number of labels, -quit-after above 0")
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
	content := container.NewVBox(grid)
	// The window must be the desktop's size, or the floor draws more (or
	// less) than the desktop does: a grid taller than 800 px, less the
	// window's padding, would grow it.
	size := fyne.NewSize(1280, 800)
	pad := 2 * theme.Padding()
	if m := content.MinSize(); m.Width > size.Width-pad || m.Height > size.Height-pad {
		fmt.Fprintf(os.Stderr, "floor: %d rows of %d labels need %.0f×%.0f, more than the window's %.0f×%.0f\n",
			*rows, *cols, m.Width, m.Height, size.Width, size.Height)
		os.Exit(2)
	}
	w.SetContent(content)
	w.Resize(size)

	// Figures of the launch's size (up to six digits with grouping), new
	// ones each time, as a sale's counts are: each is a text Fyne has not
	// drawn before.
	rnd := rand.New(rand.NewPCG(1, 2))
	go func() {
		for range time.Tick(time.Second) {
			fyne.Do(func() {
				for _, i := range rnd.Perm(len(labels))[:*perSecond] {
					n := rnd.IntN(1_000_000)
					labels[i].SetText(fmt.Sprintf("%d,%03d", n/1000, n%1000))
				}
			})
		}
	}()
	time.AfterFunc(*quitAfter, func() { fyne.Do(a.Quit) })
	w.ShowAndRun()
}
