package store

import bolt "go.etcd.io/bbolt"

// Buckets of the audit trail of flashdeck's actions (app/actions, which
// owns what the records say; the store owns where and how they are kept).
// The names are those of the first databases, which still open.
var (
	bucketActions = []byte("actions")     // id → action (JSON)
	bucketKeys    = []byte("action_keys") // user \x00 idempotency key → id
	// bucketOwed keeps, per sale and channel, the stock pauses took and no
	// resume gave back yet. Its name is from when it held the stock read
	// before a pause, which meant the same for the one pause it followed.
	bucketOwed = []byte("paused_from") // sale \x00 channel → stock owed (JSON)
)

// auditBuckets are created when the store opens.
var auditBuckets = [][]byte{bucketActions, bucketKeys, bucketOwed}

// AuditTx is one transaction on the audit trail: its records, their
// idempotency keys and the ledger of stock owed. The store does not read
// the records; it keeps them. Values it returns are valid only inside the
// transaction.
type AuditTx struct {
	tx *bolt.Tx
}

// UpdateAudit runs fn in one write transaction on the audit trail. Every
// write is synced to disk before UpdateAudit returns: a record written
// before a request goes out survives a crash during it, and what fn
// writes is kept whole or not at all.
func (s *Store) UpdateAudit(fn func(tx AuditTx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(AuditTx{tx}) })
}

// ViewAudit runs fn in one read transaction on the audit trail.
func (s *Store) ViewAudit(fn func(tx AuditTx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(AuditTx{tx}) })
}

// Action returns the record of an action, nil if there is none.
func (t AuditTx) Action(id string) []byte { return t.tx.Bucket(bucketActions).Get([]byte(id)) }

// PutAction writes the record of an action.
func (t AuditTx) PutAction(id string, v []byte) error {
	return t.tx.Bucket(bucketActions).Put([]byte(id), v)
}

// NextActionSeq returns the next number of the actions' sequence.
func (t AuditTx) NextActionSeq() (uint64, error) { return t.tx.Bucket(bucketActions).NextSequence() }

// EachActionNewestFirst calls fn for every action record, in the reverse
// byte order of their ids, until fn returns false or an error.
func (t AuditTx) EachActionNewestFirst(fn func(id string, v []byte) (bool, error)) error {
	c := t.tx.Bucket(bucketActions).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if more, err := fn(string(k), v); err != nil || !more {
			return err
		}
	}
	return nil
}

// userKey is where a user's idempotency key is kept: keys are scoped per
// user, so one user's key never answers (or blocks) another's action.
func userKey(user, key string) []byte { return []byte(user + "\x00" + key) }

// KeyAction returns the id of the action a user stored under an
// idempotency key ("" if none). A key kept before keys were scoped per
// user is read too, and said to be legacy: it counts only for the user
// whose action it holds, which the caller checks in the record.
func (t AuditTx) KeyAction(user, key string) (id string, legacy bool) {
	keys := t.tx.Bucket(bucketKeys)
	if v := keys.Get(userKey(user, key)); v != nil {
		return string(v), false
	}
	if v := keys.Get([]byte(key)); v != nil {
		return string(v), true
	}
	return "", false
}

// PutKey stores a user's idempotency key for an action.
func (t AuditTx) PutKey(user, key, id string) error {
	return t.tx.Bucket(bucketKeys).Put(userKey(user, key), []byte(id))
}

// PutLegacyKey stores an idempotency key the way flashdeck did before
// keys were scoped per user (for tests of databases that old).
func (t AuditTx) PutLegacyKey(key, id string) error {
	return t.tx.Bucket(bucketKeys).Put([]byte(key), []byte(id))
}

func owedKey(sale, channel string) []byte { return []byte(sale + "\x00" + channel) }

// Owed returns the ledger of stock owed to a sale on a channel, nil if
// nothing is owed.
func (t AuditTx) Owed(sale, channel string) []byte {
	return t.tx.Bucket(bucketOwed).Get(owedKey(sale, channel))
}

// PutOwed writes the ledger of a sale on a channel.
func (t AuditTx) PutOwed(sale, channel string, v []byte) error {
	return t.tx.Bucket(bucketOwed).Put(owedKey(sale, channel), v)
}

// DeleteOwed removes the ledger of a sale on a channel: nothing is owed.
func (t AuditTx) DeleteOwed(sale, channel string) error {
	return t.tx.Bucket(bucketOwed).Delete(owedKey(sale, channel))
}

// SetNoSync turns off (true) or on the sync of every write. For tests and
// fuzzing only, which test decoding rather than durability: without a
// sync per write a fuzzer runs thousands of writes a second, not tens.
func (s *Store) SetNoSync(off bool) { s.db.NoSync = off }
