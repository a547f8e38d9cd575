// Package simulator serves flashdeck's own reading of each sales channel
// over real HTTP on loopback: Lazada's Open Platform (signed calls, token
// refresh, paging, pushes, stock per warehouse, price and stock updates),
// Akulaku's open API and the brand store's contract, each under its own
// path prefix of one server. A Book holds one channel's sale — buyers,
// orders, cancellations, stock and the sale window — driven by a clock
// that may run faster than real time, with scalpers planted among ordinary
// buyers (plants.go). Its /_sim/ endpoints inject faults (outages, rate
// limits, bans, malformed answers, actions ignored or delayed), set a
// SKU's stock behind flashdeck's back, and show the ground truth the tests
// compare flashdeck with.
//
// It is the demo's channels and the tests' counterpart; being our own
// reading, it can share a client's mistake, which is why every documented
// channel's client is also checked against fixtures written from that
// channel's documentation (testdata/contract in each client's package).
package simulator
