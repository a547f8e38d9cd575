package serve_test

import (
	"testing"

	"github.com/flashdeck/flashdeck/app/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }
