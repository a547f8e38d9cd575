package serve_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/datasources/simulator"
)

// An idempotency key is the user's own, and a repeat of it means the same
// request: naming no channels (every open channel) is not a repeat of an
// action on one.
func TestIdempotencyKeysAreScopedAndExact(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}, {Name: "budi", Role: "operator", TokenEnv: "T_BUDI"}}
	srv, _, sim := setup(t, users, map[string]string{"T_AYU": "ayu-secret", "T_BUDI": "budi-secret"})
	one := `{"kind":"pause","sale":"poco-m3-launch","channels":["micom-id"],"reason":"bots","idempotency_key":"k1"}`
	all := `{"kind":"pause","sale":"poco-m3-launch","reason":"bots","idempotency_key":"k1"}`
	action := func(token, body string) (int, actions.Action, string) {
		t.Helper()
		code, msg := post(t, srv.URL+"/api/v1/actions", token, body)
		var a actions.Action
		_ = json.Unmarshal([]byte(msg), &a)
		return code, a, msg
	}
	code, first, msg := action("ayu-secret", one)
	if code != 200 || first.Status() != actions.Applied {
		t.Fatalf("first pause: %d %s", code, msg)
	}
	if code, _, msg := action("ayu-secret", all); code != 422 || !strings.Contains(msg, first.ID) {
		t.Errorf("the key again with channels left out: %d %s, want 422 naming %s", code, msg, first.ID)
	}
	if code, again, msg := action("ayu-secret", one); code != 200 || !again.Replayed || again.ID != first.ID {
		t.Errorf("the same request again: %d %s", code, msg)
	}
	// Another user's key of the same spelling is another action.
	resume := `{"kind":"resume","sale":"poco-m3-launch","channels":["micom-id"],"reason":"done","idempotency_key":"k1"}`
	code, theirs, msg := action("budi-secret", resume)
	if code != 200 || theirs.Replayed || theirs.ID == first.ID || theirs.User != "budi" || theirs.Status() != actions.Applied {
		t.Errorf("budi's k1: %d %s", code, msg)
	}
	book := sim.Server.Book("micom-id")
	if p, r := book.ActionCount(simulator.OpPause), book.ActionCount(simulator.OpResume); p != 1 || r != 1 {
		t.Errorf("micom-id saw %d pauses and %d resumes, want 1 and 1", p, r)
	}
	// Channels left out, with a key of its own: every open channel.
	code, every, msg := action("ayu-secret", strings.Replace(all, "k1", "k2", 1))
	if code != 200 || len(every.Channels) < 2 {
		t.Fatalf("pause everywhere: %d %s", code, msg)
	}
	if code, again, msg := action("ayu-secret", strings.Replace(all, "k1", "k2", 1)); code != 200 || !again.Replayed || again.ID != every.ID {
		t.Errorf("pause everywhere again: %d %.300s", code, msg)
	}
}
