package serve_test

import (
	"strings"
	"testing"

	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/metrics"
	"github.com/flashdeck/flashdeck/app/serve"
)

// TestUsersWithOneTokenAreRefused: two users whose variables hold the same
// token could not be told apart — the one listed last would take the
// other's role — so the collector refuses to start, naming both users and
// never the token. The metrics token is not a user's either.
func TestUsersWithOneTokenAreRefused(t *testing.T) {
	users := []config.User{
		{Name: "alice", Role: config.RoleOperator, TokenEnv: "T_ALICE"},
		{Name: "wall", Role: config.RoleViewer, TokenEnv: "T_WALL"},
		{Name: "carol", Role: config.RoleViewer, TokenEnv: "T_CAROL"},
		{Name: "bob", Role: config.RoleViewer, TokenEnv: "T_BOB"},
	}
	const secret = "op-7WQjgxUYo9lD0Ebhyv3I"
	cases := []struct {
		name    string
		env     map[string]string
		metrics string
		want    string
	}{
		{"operator and viewer", map[string]string{"T_ALICE": secret, "T_WALL": "w", "T_CAROL": "c", "T_BOB": secret}, "",
			"flashdeck.yaml: users[0] alice and users[3] bob share one token (T_ALICE and T_BOB hold the same value): give each user a token of their own"},
		{"two viewers", map[string]string{"T_ALICE": "a", "T_WALL": secret, "T_CAROL": secret, "T_BOB": "b"}, "",
			"users[1] wall and users[2] carol share one token"},
		{"metrics token of a user", map[string]string{"T_ALICE": secret, "T_WALL": "w", "T_CAROL": "c", "T_BOB": "b", "T_METRICS": secret}, "T_METRICS",
			"flashdeck.yaml: metrics_token_env: T_METRICS holds users[0] alice's token: give /metrics a token of its own"},
		{"all distinct", map[string]string{"T_ALICE": "a", "T_WALL": "w", "T_CAROL": "c", "T_BOB": "b", "T_METRICS": "m"}, "T_METRICS", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &config.Config{Path: "flashdeck.yaml", Users: users, MetricsTokenEnv: tc.metrics}
			_, err := serve.New(serve.Options{Config: cfg, Lookup: config.MapLookup(tc.env), Metrics: metrics.New(nil)})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("distinct tokens refused: %v", err)
			case tc.want == "":
				return
			case err == nil:
				t.Fatal("accepted")
			case !strings.Contains(err.Error(), tc.want):
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

// A token variable written with a newline after it (echo TOKEN > file)
// still matches the token a client presents, as the presented one is
// trimmed too; a variable of white space alone is not set.
func TestTokenVariableIsTrimmed(t *testing.T) {
	users := []config.User{{Name: "ayu", Role: "operator", TokenEnv: "T_AYU"}}
	srv, _, _ := setup(t, users, map[string]string{"T_AYU": "ayu-secret\n"})
	if code, body := get(t, srv.URL+"/api/v1/whoami", "ayu-secret"); code != 200 || !strings.Contains(body, `"ayu"`) {
		t.Errorf("a token whose variable ends in a newline: %d %s", code, body)
	}
	_, err := serve.New(serve.Options{Config: &config.Config{Path: "flashdeck.yaml", Users: users},
		Lookup: config.MapLookup(map[string]string{"T_AYU": " \n"}), Metrics: metrics.New(nil)})
	if err == nil || !strings.Contains(err.Error(), "T_AYU is not set") {
		t.Errorf("a variable of white space: %v", err)
	}
}
