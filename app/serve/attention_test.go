package serve_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/attention"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// TestAttentionRoute: a channel that falls over is on GET
// /api/v1/attention, pointing at its row in Channels, and counted by
// flashdeck_attention_items.
func TestAttentionRoute(t *testing.T) {
	users := []config.User{{Name: "wall", Role: "viewer", TokenEnv: "T_WALL"}}
	srv, _, sim := setup(t, users, map[string]string{"T_WALL": "wall-secret"})
	b := sim.Server.Book("micom-id")
	f := b.Faults()
	f.Down = true
	b.SetFaults(f)
	var l attention.List
	testwait.Until(t, 60*time.Second, func() string {
		code, body := get(t, srv.URL+"/api/v1/attention", "wall-secret")
		if code != 200 {
			return "status " + body
		}
		l = attention.List{}
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			return "not JSON: " + err.Error()
		}
		for _, it := range l.Items {
			if it.Kind == attention.KindChannel && it.Target == (attention.Target{Tab: attention.TabChannels, Channel: "micom-id"}) && it.Rank == 1 &&
				strings.HasPrefix(it.Why, "mi.com ID is down") {
				return ""
			}
		}
		return "mi.com down is not first on the list: " + body
	})
	_, metrics := get(t, srv.URL+"/metrics", "")
	if !strings.Contains(metrics, `flashdeck_attention_items{kind="channel"} 1`) || !strings.Contains(metrics, `flashdeck_attention_items{kind="stalled_listing"} 0`) {
		t.Errorf("metrics lack the attention counts:\n%s", grepLines(metrics, "flashdeck_attention"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
