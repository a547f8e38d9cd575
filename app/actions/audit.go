package actions

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/flashdeck/flashdeck/app/store"
	"github.com/flashdeck/flashdeck/datasources"
)

// audit is the audit trail, kept by the store in the application's
// database. Every write is one transaction that the store syncs to disk
// before returning: a record written before a request goes out survives a
// crash during it.
type audit struct {
	st *store.Store
}

func openAudit(st *store.Store) *audit { return &audit{st: st} }

// create stores a new action under a fresh id and its idempotency key, in
// one transaction. If the key is taken meanwhile, it returns the action
// that holds it and false.
func (au *audit) create(a *Action) (Action, bool, error) {
	var existing Action
	created := false
	err := au.st.UpdateAudit(func(tx store.AuditTx) error {
		if id, legacy := tx.KeyAction(a.User, a.Key); id != "" && !legacy {
			v := tx.Action(id)
			if v == nil {
				return fmt.Errorf("idempotency key %q points at a missing action %s", a.Key, id)
			}
			return json.Unmarshal(v, &existing)
		}
		seq, err := tx.NextActionSeq()
		if err != nil {
			return err
		}
		// Zero-padded so that the store's byte order is the order of creation.
		a.ID = fmt.Sprintf("A%09d", seq)
		v, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if err := tx.PutAction(a.ID, v); err != nil {
			return err
		}
		created = true
		return tx.PutKey(a.User, a.Key, a.ID)
	})
	if err != nil {
		return Action{}, false, fmt.Errorf("writing the audit record to %s: %w", au.st.Path(), err)
	}
	if !created {
		return existing, false, nil
	}
	return *a, true, nil
}

// byKey returns the action a user stored under an idempotency key. A key
// kept before keys were scoped per user counts only for the user whose
// action it holds.
func (au *audit) byKey(user, key string) (Action, bool, error) {
	var a Action
	found := false
	err := au.st.ViewAudit(func(tx store.AuditTx) error {
		id, legacy := tx.KeyAction(user, key)
		if id == "" {
			return nil
		}
		v := tx.Action(id)
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		found = !legacy || a.User == user
		return nil
	})
	return a, found, err
}

// get reads one action.
func (au *audit) get(id string) (Action, error) {
	var a Action
	err := au.st.ViewAudit(func(tx store.AuditTx) error {
		v := tx.Action(id)
		if v == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &a)
	})
	return a, err
}

// update reads an action, lets fn change it and writes it back, in one
// transaction.
func (au *audit) update(id string, fn func(a *Action) error) (Action, error) {
	return au.updateOwing(id, "", nil, 0, fn)
}

// each calls fn for every action, newest first, until fn returns false.
func (au *audit) each(fn func(a *Action) bool) error {
	return au.st.ViewAudit(func(tx store.AuditTx) error {
		return tx.EachActionNewestFirst(func(id string, v []byte) (bool, error) {
			var a Action
			if err := json.Unmarshal(v, &a); err != nil {
				return false, fmt.Errorf("action %s is unreadable: %w", id, err)
			}
			return fn(&a), nil
		})
	})
}

// owed returns what pauses took from a sale on a channel and no resume has
// given back yet, per SKU and warehouse (the ledger of a channel that
// pauses by stock). A record written by an older flashdeck — the stock read
// before its pause — reads the same way: what that pause took.
func (au *audit) owed(sale, channel string) (datasources.SaleControl, error) {
	var c datasources.SaleControl
	err := au.st.ViewAudit(func(tx store.AuditTx) error {
		v := tx.Owed(sale, channel)
		if v == nil {
			return nil
		}
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("the stock owed to %s on %s is unreadable: %w", sale, channel, err)
		}
		return nil
	})
	return c, err
}

// updateOwing changes an action, and the stock owed for its sale on one of
// its channels by delta (sign 1 adds, -1 takes off), in one transaction: a crash between
// the two could otherwise give back stock no pause took, or none that one
// did.
func (au *audit) updateOwing(id, channel string, delta []datasources.StockReading, sign int, fn func(a *Action) error) (Action, error) {
	var a Action
	err := au.st.UpdateAudit(func(tx store.AuditTx) error {
		v := tx.Action(id)
		if v == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("action %s is unreadable: %w", id, err)
		}
		if err := fn(&a); err != nil {
			return err
		}
		nv, err := json.Marshal(&a)
		if err != nil {
			return err
		}
		if err := tx.PutAction(id, nv); err != nil {
			return err
		}
		return owe(tx, a.Sale, channel, delta, sign)
	})
	return a, err
}

// owe adds delta to the ledger of a sale on a channel (sign 1) or takes it
// off (sign -1), in a transaction of its own.
func (au *audit) owe(sale, channel string, delta []datasources.StockReading, sign int) error {
	return au.st.UpdateAudit(func(tx store.AuditTx) error { return owe(tx, sale, channel, delta, sign) })
}

// owe adds delta to the ledger (sign 1) or takes it off (sign -1), inside
// tx; a ledger that owes nothing any more is deleted.
func owe(tx store.AuditTx, sale, channel string, delta []datasources.StockReading, sign int) error {
	if len(delta) == 0 {
		return nil
	}
	var cur datasources.SaleControl
	if v := tx.Owed(sale, channel); v != nil {
		if err := json.Unmarshal(v, &cur); err != nil {
			return fmt.Errorf("the stock owed to %s on %s is unreadable: %w", sale, channel, err)
		}
	}
	next := addOwed(cur, delta, sign)
	if len(next.SKUs) == 0 {
		return tx.DeleteOwed(sale, channel)
	}
	v, err := json.Marshal(next)
	if err != nil {
		return err
	}
	return tx.PutOwed(sale, channel, v)
}

// Filter selects actions from the audit trail. Zero fields match all.
type Filter struct {
	Sale    string
	Channel string
	Kind    Kind
	User    string
	Result  Result
	// Text matches (case-insensitively) the reason, summary, order id,
	// user or any channel's message.
	Text  string
	Limit int
}

// Match reports whether an action passes the filter.
func (f *Filter) Match(a *Action) bool {
	if f.Sale != "" && a.Sale != f.Sale || f.Kind != "" && a.Kind != f.Kind || f.User != "" && a.User != f.User {
		return false
	}
	if f.Channel != "" {
		if _, ok := a.Result(f.Channel); !ok {
			return false
		}
	}
	if f.Result != "" && !resultIn(a, f.Result, f.Channel) {
		return false
	}
	if t := strings.ToLower(strings.TrimSpace(f.Text)); t != "" {
		hay := []string{a.Reason, a.Summary, a.OrderID, a.User, a.ID, string(a.Kind)}
		for _, r := range a.Results {
			hay = append(hay, r.Message, r.ChannelName, r.Channel)
		}
		if !strings.Contains(strings.ToLower(strings.Join(hay, "\n")), t) {
			return false
		}
	}
	return true
}

func resultIn(a *Action, r Result, channel string) bool {
	for _, c := range a.Results {
		if c.Result == r && (channel == "" || c.Channel == channel) {
			return true
		}
	}
	return false
}
