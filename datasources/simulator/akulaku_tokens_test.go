package simulator_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/akulaku"
	"github.com/flashdeck/flashdeck/datasources/simulator"
	"github.com/flashdeck/flashdeck/datasources/sourcetest"
)

// sixHourSale is the Akulaku channel of the demo sale, open six hours at a
// steady pace (the opening surge, then a trickle all afternoon), with
// stock that lasts: the sale outlives a two-hour token three times over,
// and a one-minute token 360 times.
func sixHourSale(t *testing.T, clock *simulator.Clock) *simulator.Server {
	t.Helper()
	start := clock.Now().Add(time.Minute)
	sc := simulator.DemoScenario(start, 0, 42)
	sc.Plants = nil
	sc.Sale.End = start.Add(6 * time.Hour)
	sc.Channels = slices.DeleteFunc(sc.Channels, func(c simulator.ChannelSpec) bool { return c.ID != akuChannel })
	sc.Channels[0].PeakPerMinute = 60
	sc.Channels[0].BuyerPool = 200000
	for k := range sc.Channels[0].Allocated {
		sc.Channels[0].Allocated[k] = 100000
	}
	srv, err := simulator.New(sc, clock)
	if err != nil {
		t.Fatal(err)
	}
	// Tokens live a minute of sale time: set before the simulator serves.
	srv.Creds.AkulakuTokenLifetime = time.Minute
	if _, err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// slowList is a transport on which every order-list call takes `took` of
// sale time (the token call none): the manual clock moves while the call is
// on its way, as sale time passes during a slow call to a busy channel.
type slowList struct {
	clock *simulator.Clock
	took  time.Duration
	next  http.RoundTripper
}

func (s slowList) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path != "/"+akuChannel+akulaku.PathToken {
		s.clock.Advance(s.took)
	}
	return s.next.RoundTrip(r)
}

// TestAkulakuSixHourSaleOneMinuteTokens is the "done when" of issue 15
// item 6: a six-hour Akulaku sale played on a manual clock, polled every
// 15 to 25 s of sale time through the real client with tokens that live one
// minute, loses no poll and no order: every order the simulator took is
// read in its latest state, with exactly its units.
//
// "in step": the client renews each token before it expires; the channel
// refuses no call. "slow calls": every order-list call takes 10 s of sale
// time, more than a one-minute token's renewal margin (6 s), so a token the
// client found good when it sent a call may have expired when the channel
// reads it: the channel refuses, the client renews and repeats, and still
// no poll fails.
func TestAkulakuSixHourSaleOneMinuteTokens(t *testing.T) {
	for _, tc := range []struct {
		name string
		took time.Duration // sale time one call takes
	}{
		{"in step", 0},
		{"slow calls", 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := simulator.NewManualClock(akuT0)
			srv := sixHourSale(t, clock)
			book := srv.Book(akuChannel)
			c := akuClient(t, srv, func(c *akulaku.Config) {
				if tc.took > 0 {
					c.Transport = slowList{clock: clock, took: tc.took, next: http.DefaultTransport}
				}
			})
			ctx := context.Background()
			ledger := sourcetest.Ledger{}
			cur := datasources.Cursor{UpdatedAfter: book.Sale().Start.Add(-time.Minute)}
			polls, failed, pages := 0, 0, 0
			var firstErr error
			// poll reads as the engine does: pages while the channel has
			// more, and a failed poll is counted and tried again at the
			// next interval.
			poll := func() {
				polls++
				for range 1000 {
					pages++
					p, err := c.Orders(ctx, cur)
					if err != nil {
						failed++
						if firstErr == nil {
							firstErr = err
						}
						return
					}
					for _, o := range p.Orders {
						if old, ok := ledger[o.ID]; !ok || !o.UpdatedAt.Before(old.UpdatedAt) {
							ledger[o.ID] = o
						}
					}
					cur = p.Next
					if !p.More {
						return
					}
				}
				t.Fatal("a poll that never ends")
			}
			// The last scheduled change is 20 minutes after the last order.
			settled := book.Sale().End.Add(25 * time.Minute)
			// Polls 15 to 25 s apart, as the engine jitters its interval.
			rng := rand.New(rand.NewPCG(15, 6))
			for clock.Now().Before(settled) {
				poll()
				clock.Advance(15*time.Second + time.Duration(rng.Int64N(int64(10*time.Second))))
			}
			// Settled: poll until a poll brings nothing new.
			for range 10 {
				n, was := len(ledger), cur
				poll()
				if len(ledger) == n && cur == was {
					break
				}
			}
			st, _ := srv.AkulakuTokens(akuChannel)
			t.Logf("%d polls (%d pages) over %s of sale time, %d orders; tokens: %+v",
				polls, pages, clock.Now().Sub(book.Sale().Start).Round(time.Minute), len(ledger), st)
			if failed > 0 {
				t.Errorf("%d of %d polls failed; the first: %v", failed, polls, firstErr)
			}

			// Exactly the simulator's truth: the same orders, each in its
			// latest state, and the same units per SKU.
			truth := srv.Truth()
			all, _ := book.Updates(simulator.Query{})
			if len(ledger) != truth.Orders[akuChannel] || len(all) != len(ledger) || len(ledger) < 2000 {
				t.Errorf("read %d orders; the simulator took %d", len(ledger), truth.Orders[akuChannel])
			}
			for _, v := range all {
				o, ok := ledger[v.ID]
				switch {
				case !ok:
					t.Errorf("order %s (created %s) never read", v.ID, v.CreatedAt.Format(time.TimeOnly))
				case !o.UpdatedAt.Equal(v.UpdatedAt) || o.IsCancelled() != (v.Status == simulator.StatusCanceled):
					t.Errorf("order %s read as %s at %v; the simulator has %s at %v", v.ID, o.Status, o.UpdatedAt, v.Status, v.UpdatedAt)
				}
			}
			akuSameSold(t, ledger.Sold(), truth.Sold[akuChannel])

			// The tokens: renewed to the end of the sale (at least one
			// every two minutes; polls come every 20 to 30 s).
			if st.Issued < 180 {
				t.Errorf("%d tokens issued over six hours of one-minute tokens", st.Issued)
			}
			switch {
			case tc.took == 0 && (st.Expired > 0 || st.Unknown > 0):
				t.Errorf("the client renewed too late: %+v", st)
			case tc.took > 0 && st.Expired == 0:
				t.Errorf("no call was refused for an expired token: the slow calls proved nothing (%+v)", st)
			}
		})
	}
}

// TestAkulakuStaticTokenDiesMidSale shows why: a client configured with a
// token it cannot renew loses its polls once the token's lifetime is over.
func TestAkulakuStaticTokenDiesMidSale(t *testing.T) {
	clock := simulator.NewManualClock(akuT0)
	srv := sixHourSale(t, clock)
	// A token issued by the endpoint, then handed to a client that cannot
	// renew it: what a config with only access_token_env amounts to.
	issuer := akuClient(t, srv, nil)
	if err := issuer.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	var token string
	probe := akuClient(t, srv, func(c *akulaku.Config) {
		c.Transport = tokenSpy{token: &token, next: http.DefaultTransport}
	})
	if err := probe.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	static := akuClient(t, srv, func(c *akulaku.Config) { c.ClientID, c.ClientSecret, c.AccessToken = "", "", token })
	if err := static.Health(context.Background()); err != nil {
		t.Fatalf("a fresh token: %v", err)
	}
	clock.Advance(time.Minute)
	err := static.Health(context.Background())
	var e *datasources.Error
	if !errors.As(err, &e) || e.Kind != datasources.ErrAuth || e.Code != "ACCESS_TOKEN_EXPIRED" {
		t.Errorf("a minute later: %v", err)
	}
}

// tokenSpy notes the access token a client sends.
type tokenSpy struct {
	token *string
	next  http.RoundTripper
}

func (s tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if v := r.Header.Get("access-token"); v != "" {
		*s.token = v
	}
	return s.next.RoundTrip(r)
}
