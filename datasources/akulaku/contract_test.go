package akulaku

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The contract tests replay the shapes public Akulaku clients show
// (testdata/contract/*.json, each naming its source and how sure it is;
// README.md there lists them) through the real client over HTTP: every
// request the client sends is checked against the fixture (method, path,
// query, headers, body fields, the signature), the fixture's answer is
// served, and what the client makes of it is compared with the fixture's
// expectation.

// The credentials the client is configured with in every fixture.
const (
	contractApp    = "contract-app"
	contractClient = "contract-client"
	contractSecret = "contract-secret"
)

type contractFixture struct {
	Source     string `json:"source"`
	Confidence string `json:"confidence"`
	Note       string `json:"note"`
	Config     struct {
		Now         time.Time `json:"now"`
		ShopID      string    `json:"shop_id"`
		StaticToken string    `json:"static_token"` // no client credentials when set
		PageSize    int       `json:"page_size"`
	} `json:"config"`
	Since time.Time      `json:"since"`
	Steps []contractStep `json:"steps"`
}

// contractStep is one poll: the clock moves by Advance, Orders is called
// once from the cursor the previous step left, and the exchanges happen in
// order.
type contractStep struct {
	Advance   string             `json:"advance"`
	Exchanges []contractExchange `json:"exchanges"`
	Expect    contractExpect     `json:"expect"`
}

type contractExchange struct {
	Request struct {
		Method string            `json:"method"`
		Path   string            `json:"path"`
		Query  map[string]string `json:"query"`
		// Headers must have these values ("*": present, any value).
		Headers   map[string]string `json:"headers"`
		NoHeaders []string          `json:"no_headers"`
		// BodyKeys is the body's whole key set, in the order sent.
		BodyKeys []string `json:"body_keys"`
		// Body fields must equal these (numbers compared as written).
		Body map[string]json.RawMessage `json:"body"`
	} `json:"request"`
	Response struct {
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"response"`
}

type contractExpect struct {
	Error *struct {
		Kind       string `json:"kind"`
		Code       string `json:"code"`
		MessageHas string `json:"message_has"`
	} `json:"error"`
	Orders []struct {
		ID      string    `json:"id"`
		Status  string    `json:"status"`
		Created time.Time `json:"created"`
		Updated time.Time `json:"updated"`
		Phone   string    `json:"phone"`
		City    string    `json:"city"`
		Items   []struct {
			ID        string `json:"id"`
			SKU       string `json:"sku"`
			Qty       int    `json:"qty"`
			Price     int64  `json:"price"` // hundredths
			Cancelled bool   `json:"cancelled"`
		} `json:"items"`
	} `json:"orders"`
	Total        *int       `json:"total"`
	Next         *time.Time `json:"next"`
	More         *bool      `json:"more"`
	TokenExpires *time.Time `json:"token_expires"`
}

// contractServer serves one step's exchanges in order and records what
// did not match.
type contractServer struct {
	t   *testing.T
	mu  sync.Mutex
	ex  []contractExchange
	n   int
	bad []string
}

func (s *contractServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n >= len(s.ex) {
		s.bad = append(s.bad, fmt.Sprintf("unexpected request %d: %s %s", s.n+1, r.Method, r.URL.Path))
		http.Error(w, "not in the fixture", http.StatusTeapot)
		return
	}
	ex := s.ex[s.n]
	s.n++
	bad := func(format string, args ...any) {
		s.bad = append(s.bad, fmt.Sprintf("request %d (%s %s): ", s.n, r.Method, r.URL.Path)+fmt.Sprintf(format, args...))
	}
	req := ex.Request
	if r.Method != req.Method || r.URL.Path != req.Path {
		bad("want %s %s", req.Method, req.Path)
	}
	for k, want := range req.Query {
		if got := r.URL.Query().Get(k); got != want {
			bad("query %s = %q, want %q", k, got, want)
		}
	}
	for k, want := range req.Headers {
		got := r.Header.Get(k)
		if (want == "*" && got == "") || (want != "*" && got != want) {
			bad("header %s = %q, want %q", k, got, want)
		}
	}
	for _, k := range req.NoHeaders {
		if r.Header.Get(k) != "" {
			bad("header %s sent", k)
		}
	}
	if r.Header.Get("sign") != "" {
		if err := Verify(contractKey(s.t), r.Header.Get("app-id"), r.Header.Get("timestamp"), body, r.Header.Get("sign")); err != nil {
			bad("the signature does not verify: %v", err)
		}
	}
	if len(req.BodyKeys) > 0 || len(req.Body) > 0 {
		got := map[string]json.RawMessage{}
		if err := json.Unmarshal(body, &got); err != nil {
			bad("body %q is not a JSON object", body)
		}
		if len(req.BodyKeys) > 0 {
			if keys := jsonKeys(body); !slices.Equal(keys, req.BodyKeys) {
				bad("body keys %v, want %v", keys, req.BodyKeys)
			}
		}
		for k, want := range req.Body {
			if !bytes.Equal(bytes.TrimSpace(got[k]), bytes.TrimSpace(want)) {
				bad("body %s = %s, want %s", k, got[k], want)
			}
		}
	}
	for k, v := range ex.Response.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(ex.Response.Status)
	_, _ = w.Write(ex.Response.Body)
}

// jsonKeys lists an object's keys in the order written.
func jsonKeys(b []byte) []string {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, fmt.Sprint(t))
		var v json.RawMessage
		if d.Decode(&v) != nil {
			return keys
		}
	}
	return keys
}

// contractKey is the public half of the key the client signs with.
func contractKey(t testing.TB) *rsa.PublicKey {
	k, err := ParsePrivateKey(testKeyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	return &k.PublicKey
}

func TestContract(t *testing.T) {
	files, err := filepath.Glob("testdata/contract/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fx contractFixture
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&fx); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if fx.Source == "" || fx.Confidence == "" {
				t.Fatalf("%s: a fixture names its source and how sure it is", file)
			}
			runContract(t, &fx)
		})
	}
}

func runContract(t *testing.T, fx *contractFixture) {
	srv := &contractServer{t: t}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	now := fx.Config.Now
	var expires time.Time
	cfg := Config{
		ID: "akulaku-id", Market: "ID", BaseURL: hs.URL, AppID: contractApp, PrivateKeyPEM: testKeyPEM(t),
		ShopID: fx.Config.ShopID, PageSize: fx.Config.PageSize, CallsPerSecond: 1000,
		Now: func() time.Time { return now }, OnTokenRenew: func(e time.Time) { expires = e },
	}
	if fx.Config.StaticToken != "" {
		cfg.AccessToken = fx.Config.StaticToken
	} else {
		cfg.ClientID, cfg.ClientSecret = contractClient, contractSecret
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cur := datasources.Cursor{UpdatedAfter: fx.Since}
	for i, step := range fx.Steps {
		if step.Advance != "" {
			d, err := time.ParseDuration(step.Advance)
			if err != nil {
				t.Fatalf("step %d: advance: %v", i, err)
			}
			now = now.Add(d)
		}
		srv.mu.Lock()
		srv.ex, srv.n, srv.bad = step.Exchanges, 0, nil
		srv.mu.Unlock()
		expires = time.Time{}
		page, err := c.Orders(context.Background(), cur)
		srv.mu.Lock()
		for _, b := range srv.bad {
			t.Errorf("step %d: %s", i, b)
		}
		if srv.n != len(step.Exchanges) {
			t.Errorf("step %d: %d of %d exchanges happened", i, srv.n, len(step.Exchanges))
		}
		srv.mu.Unlock()
		want := step.Expect
		if want.Error != nil {
			var e *datasources.Error
			if !errors.As(err, &e) || e.Kind.String() != want.Error.Kind || e.Code != want.Error.Code || !strings.Contains(e.Error(), want.Error.MessageHas) {
				t.Fatalf("step %d: got %v, want %s (%s) saying %q", i, err, want.Error.Kind, want.Error.Code, want.Error.MessageHas)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if len(page.Orders) != len(want.Orders) {
			t.Fatalf("step %d: %d orders, want %d", i, len(page.Orders), len(want.Orders))
		}
		for j, w := range want.Orders {
			o := page.Orders[j]
			if o.ID != w.ID || o.Status != w.Status || !o.CreatedAt.Equal(w.Created) || !o.UpdatedAt.Equal(w.Updated) ||
				o.Phone != w.Phone || o.Address.City != w.City || len(o.Items) != len(w.Items) {
				t.Errorf("step %d order %d: %+v\nwant %+v", i, j, o, w)
				continue
			}
			for k, wi := range w.Items {
				it := o.Items[k]
				if it.ID != wi.ID || it.SKU != wi.SKU || it.Quantity != wi.Qty || int64(it.Price) != wi.Price || it.Cancelled != wi.Cancelled {
					t.Errorf("step %d order %d item %d: %+v, want %+v", i, j, k, it, wi)
				}
			}
		}
		if want.Total != nil && page.Total != *want.Total {
			t.Errorf("step %d: total %d, want %d", i, page.Total, *want.Total)
		}
		if want.Next != nil && !page.Next.UpdatedAfter.Equal(*want.Next) {
			t.Errorf("step %d: next cursor %v, want %v", i, page.Next.UpdatedAfter, *want.Next)
		}
		if want.More != nil && page.More != *want.More {
			t.Errorf("step %d: more %v", i, page.More)
		}
		if want.TokenExpires != nil && !expires.Equal(*want.TokenExpires) {
			t.Errorf("step %d: the token expires %v, want %v", i, expires, *want.TokenExpires)
		}
		cur = page.Next
	}
}
