// Command flashdeck is a live dashboard for flash sales across Lazada,
// Akulaku and a brand's own store: one binary for the desktop, the
// headless collector and the channel simulator. See README.md.
package main

import (
	"os"

	"github.com/flashdeck/flashdeck/app/cli"
	"github.com/flashdeck/flashdeck/app/ui"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, ui.Run))
}
