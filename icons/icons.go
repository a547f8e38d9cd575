// Package icons holds flashdeck's bundled resources (the app icon). The
// files are embedded, so the binary needs nothing beside it.
package icons

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed flashdeck.png
var appIconPNG []byte

// AppIcon is the application icon (a lightning bolt on flash-sale orange).
var AppIcon = &fyne.StaticResource{StaticName: "flashdeck.png", StaticContent: appIconPNG}
