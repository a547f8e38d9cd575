package simulator

import (
	"fmt"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The demo sale's planted abuse, and the look-alike clean orders a rules
// engine must not flag. Every planted identity is kept apart from ordinary
// buyers by construction (see buyers.go): buyer ids have ten digits
// (ordinary ones nine), phones twelve (ordinary ones thirteen), payment
// fingerprints come from PlantFP, and every street has a word no ordinary
// street or city has. So what links plants is only what is written here.
//
// What each group is meant to trip, with the rules' defaults (per-buyer
// limit 2, shared address from 3 accounts, velocity from 5 orders in 10
// minutes, bots under 3 s):
//
//   - reseller ring: shared_address and address_jig (6 accounts, 6
//     spellings), shared_payment (two mi.com accounts), velocity (6 orders to
//     one address in about a minute);
//   - bot burst: bot_opening (all under 2.5 s after the opening);
//   - jigged address: address_jig and shared_address (4 accounts);
//   - over limit: over_limit (5 units in one order; 3 orders of 1);
//   - shared phone: shared_phone (Akulaku and mi.com serve full numbers);
//   - rings written the way buyers write (landmarks, a description of the
//     house, a typo, a note to the courier, fields in another order, on
//     Lazada, Akulaku and mi.com): address_jig and shared_address;
//   - families (decoys): nothing: two accounts at one address, one unit
//     each, their own phones and cards;
//   - neighbours (decoys): nothing: the house next to a ring's, its number
//     with the digits swapped, a sibling street, the same street and number
//     in another city. A matcher that takes a look-alike for the ring's
//     house flags them.

// demoPlants are the demo sale's plants; hot is the SKU resellers go for.
// Every plant is placed in the first 25 minutes, on SKUs that do not sell
// out before about 35 minutes (seeds 0–59 checked): a plant finding no
// stock would be skipped.
func demoPlants(hot string) []Plant {
	const (
		lz = "lazada-id"
		ak = "akulaku-id"
		mi = "micom-id"
	)
	var ps []Plant
	add := func(kind, ch string, at time.Duration, sku string, qty int, b Buyer) {
		ps = append(ps, Plant{Channel: ch, At: at, Buyer: b, SKU: sku, Qty: qty, Kind: kind, Decoy: kind == DecoyFamily || kind == DecoyNeighbour})
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	mins := func(m, s int) time.Duration { return time.Duration(m)*time.Minute + time.Duration(s)*time.Second }

	// A reseller ring: six accounts, three on Lazada and three on mi.com,
	// each buying the limit of the hot SKU within the first ninety seconds,
	// all shipping to one house in Kebon Jeruk written six ways. Two of the
	// mi.com accounts pay with the same card.
	ringCard := PlantFP(1)
	kj := func(line1, line2, city string) datasources.Address {
		return address(line1, line2, city, "DKI Jakarta", "11530")
	}
	add(PlantResellerRing, lz, sec(21.4), hot, 2, who("1073318842", "Andi Wijaya", "081377120458", PlantFP(0),
		kj("Jl. Kebon Jeruk Raya No. 27", "RT 03/RW 05", "Jakarta Barat")))
	add(PlantResellerRing, mi, sec(27.9), hot, 2, who("1073402266", "Andi W", "085711934407", ringCard,
		kj("JALAN KEBON JERUK RAYA 27 BLOK C", "RT.003/RW.005", "Jakarta Barat")))
	add(PlantResellerRing, lz, sec(38.2), hot, 2, who("1073519904", "Rudi Hartono", "081290447316", PlantFP(2),
		kj("Kebon Jeruk Raya, Jl., no.27A", "RT 3 RW 5", "JAKARTA BARAT")))
	add(PlantResellerRing, mi, sec(46.5), hot, 2, who("1073640178", "Sinta Dewi", "089612087735", ringCard,
		kj("Jln. Kebon Jeruk Raya Nomor 27", "rt 03 / rw 05", "Jakarta Barat")))
	add(PlantResellerRing, lz, sec(61.0), hot, 2, who("1073771530", "Agus Salim", "082144902631", PlantFP(3),
		kj("Jl Kebon Jeruk Raya 27, Unit 3", "RT03/RW05", "Jakarta Barat")))
	add(PlantResellerRing, mi, sec(83.7), hot, 2, who("1073888015", "Wahyu Hidayat", "087820931154", PlantFP(4),
		kj("Jl. Kebon Jeruk Raya No.27 Lt. 2", "RT. 03 / RW. 05", "Jakarta Barat")))

	// A bot burst at the opening: checkouts 0.2–2.5 s after the sale opened,
	// ten on Lazada and five on mi.com, each its own account and address.
	botStreets := []struct{ street, city, post string }{
		{"Pluit Karang", "Jakarta Utara", "144"}, {"Sunter Agung", "Jakarta Utara", "143"},
		{"Rawamangun Muka", "Jakarta Timur", "132"}, {"Cipinang Jaya", "Jakarta Timur", "134"},
		{"Pademangan Raya", "Jakarta Utara", "144"},
	}
	botTimes := []struct {
		ch string
		at float64
	}{
		{lz, 0.21}, {mi, 0.26}, {lz, 0.34}, {lz, 0.48}, {mi, 0.57}, {lz, 0.63}, {lz, 0.81},
		{mi, 0.94}, {lz, 1.02}, {lz, 1.27}, {mi, 1.48}, {lz, 1.55}, {lz, 1.93}, {mi, 2.12}, {lz, 2.41},
	}
	for k, bt := range botTimes {
		s := botStreets[k%len(botStreets)]
		sku := hot
		if k%2 == 1 {
			sku = "POCO-X7-PRO-8256"
		}
		add(PlantBotOpening, bt.ch, sec(bt.at), sku, 1, who(
			fmt.Sprint(1090000000+k*7331),
			firstNames[(k*7)%len(firstNames)]+" "+lastNames[(k*5)%len(lastNames)],
			fmt.Sprintf("0838%08d", 20457311+k*104729),
			PlantFP(100+k),
			address(fmt.Sprintf("Jl. %s No. %d", s.street, 3+k*11), fmt.Sprintf("RT %02d/RW %02d", 1+k%9, 1+k%7),
				s.city, "DKI Jakarta", fmt.Sprintf("%s%02d", s.post, 10+k)),
		))
	}

	// A jigged address: four accounts on Akulaku and mi.com, a few minutes
	// in, shipping to one house in Cempaka Putih spelled four ways.
	cp := func(line1, line2, city string) datasources.Address {
		return address(line1, line2, city, "DKI Jakarta", "10510")
	}
	add(PlantAddressJig, ak, mins(4, 10), "POCO-X3-NFC-6128", 2, who("1102233417", "Hendra Gunawan", "081511302264", PlantFP(10),
		cp("Jl. Cempaka Putih Tengah No. 12A", "RT 07/RW 02", "Jakarta Pusat")))
	add(PlantAddressJig, mi, mins(4, 52), "POCO-X3-NFC-6128", 2, who("1102298850", "Lina Marlina", "085220117639", PlantFP(11),
		cp("JALAN CEMPAKA PUTIH TENGAH 12, Unit 3", "RT.007/RW.002", "Jakarta Pusat")))
	add(PlantAddressJig, ak, mins(5, 37), "POCO-X3-NFC-6128", 2, who("1102317702", "Yogi Pratama", "081944630518", PlantFP(12),
		cp("Cempaka Putih Tengah 12 Blok B, Jl.", "rt 7 rw 2", "JAKARTA PUSAT")))
	add(PlantAddressJig, mi, mins(6, 48), "POCO-X3-NFC-6128", 2, who("1102390064", "Maya Anggraini", "089877015542", PlantFP(13),
		cp("Jln Cempaka Putih Tengah #5 No. 12", "RT07/RW02", "Jakarta Pusat")))

	// Over the limit: five units in one Lazada order, and a mi.com account
	// coming back for a third unit.
	add(PlantOverLimit, lz, mins(3, 12), "REDMI-9A-232-GRN", 5, who("1115540921", "Bambang Susilo", "081318852206", PlantFP(20),
		address("Jl. Kelapa Gading Boulevard No. 88", "RT 02/RW 11", "Jakarta Utara", "DKI Jakarta", "14240")))
	greedy := who("1115678830", "Dian Permata", "085782214590", PlantFP(21),
		address("Jl. Bintaro Utama No. 5", "RT 06/RW 04", "Tangerang Selatan", "Banten", "15224"))
	add(PlantOverLimit, mi, mins(6, 5), "MI-BAND-5-BLK", 1, greedy)
	add(PlantOverLimit, mi, mins(13, 40), "MI-BAND-5-BLK", 1, greedy)
	add(PlantOverLimit, mi, mins(22, 15), "MI-BAND-5-BLK", 1, greedy)

	// One phone behind two accounts, written the two ways Indonesians do.
	add(PlantSharedPhone, ak, mins(9, 20), "REDMI-NOTE9-364", 1, who("1120045518", "Ferry Irawan", "+62 813-8842-1907", PlantFP(30),
		address("Jl. Margonda Raya No. 311", "RT 01/RW 03", "Depok", "Jawa Barat", "16424")))
	add(PlantSharedPhone, mi, mins(11, 35), "MI-PWRBANK-20K", 1, who("1120187733", "Ferdi Irawan", "081388421907", PlantFP(31),
		address("Jl. Radio Dalam No. 19", "RT 01/RW 06", "Jakarta Selatan", "DKI Jakarta", "12140")))

	// Decoys: four families of two, each at one address spelled one way,
	// one unit each, with their own phones and cards. Not abuse.
	fam := []struct {
		chA, chB       string
		atA, atB       time.Duration
		skuA, skuB     string
		idA, idB       string
		nameA, nameB   string
		phoneA, phoneB string
		addr           datasources.Address
	}{
		{lz, lz, mins(3, 3), mins(3, 41), "REDMI-AIRDOTS-2", "MI-BAND-5-BLK", "1131102245", "1131102390",
			"Dimas Prasetyo", "Rina Prasetyo", "081210448873", "085310927746",
			address("Jl. Kemang Timur No. 41", "RT 04/RW 01", "Jakarta Selatan", "DKI Jakarta", "12730")},
		{ak, mi, mins(7, 10), mins(8, 25), "REDMI-9A-232-GRN", "MI-PWRBANK-20K", "1132204417", "1132209931",
			"Arif Rahman", "Siti Rahmawati", "081297735120", "087771402258",
			address("Jl. Tebet Barat Dalam No. 9", "RT 08/RW 03", "Jakarta Selatan", "DKI Jakarta", "12810")},
		{lz, ak, mins(10, 2), mins(12, 44), "REDMI-9A-232-GRN", "MI-PWRBANK-20K", "1133307716", "1133311150",
			"Yudi Kurniawan", "Ratna Kurniawan", "082219906634", "081322087419",
			address("Jl. Dago Asri No. 15", "RT 02/RW 09", "Bandung", "Jawa Barat", "40135")},
		{mi, mi, mins(14, 20), mins(16, 5), "MI-BAND-5-BLK", "REDMI-AIRDOTS-2", "1134405528", "1134409983",
			"Bayu Santoso", "Lia Santoso", "081230558861", "089530771204",
			address("Jl. Rungkut Harapan No. 33", "RT 05/RW 07", "Surabaya", "Jawa Timur", "60293")},
	}
	for k, f := range fam {
		add(DecoyFamily, f.chA, f.atA, f.skuA, 1, who(f.idA, f.nameA, f.phoneA, PlantFP(200+2*k), f.addr))
		add(DecoyFamily, f.chB, f.atB, f.skuB, 1, who(f.idB, f.nameB, f.phoneB, PlantFP(201+2*k), f.addr))
	}

	// A ring written the way buyers write: five accounts on all three
	// channels at one house in Tanjung Duren, with a landmark, the house
	// described, a letter wrong in the street's name, a note to the courier
	// in brackets, the house number first. Akulaku gives the kelurahan and
	// kecamatan unmarked on the second line.
	td := func(line1, line2 string) datasources.Address {
		return address(line1, line2, "Jakarta Barat", "DKI Jakarta", "11470")
	}
	tdArea := "Tanjung Duren Utara, Grogol Petamburan"
	add(PlantAddressJig, lz, mins(8, 5), "MI-BAND-5-BLK", 2, who("1141120387", "Teguh Santoso", "081290553718", PlantFP(40),
		td("Jl. Tanjung Duren Raya No. 12", "RT 05/RW 02")))
	add(PlantAddressJig, ak, mins(9, 40), "REDMI-AIRDOTS-2", 2, who("1141204415", "Wulan Sari", "+62 857-1820-4431", PlantFP(41),
		td("Jl. Tj. Duren Raya No.12 depan Indomaret", tdArea)))
	add(PlantAddressJig, mi, mins(11, 12), "MI-BAND-5-BLK", 2, who("1141377920", "Rina Anggraeni", "089670314482", PlantFP(42),
		td("Jl Tanjung Durem Raya 12, rumah cat hijau pagar hitam", "RT 5 RW 2")))
	add(PlantAddressJig, lz, mins(13, 48), "REDMI-AIRDOTS-2", 2, who("1141450068", "Dodi Kurniawan", "081377290615", PlantFP(43),
		td("No. 12, Jl. Tanjung Duren Raya (titip satpam)", "RT 005/RW 002")))
	add(PlantAddressJig, ak, mins(16, 30), "MI-BAND-5-BLK", 2, who("1141563391", "Fikri Ramadhan", "+62 821-4409-7736", PlantFP(44),
		td("JL. TANJUNG DUREN RAYA NO 12 RMH NO 3 DARI UJUNG", tdArea)))

	// Its neighbours, clean: the next house, the number with its digits
	// swapped (by the same shop, as the ring's landmark), and a family of
	// two in the sibling street, writing it two ways.
	add(DecoyNeighbour, lz, mins(10, 20), "MI-BAND-5-BLK", 1, who("1142105527", "Heru Prasetyo", "081311640297", PlantFP(220),
		td("Jl. Tanjung Duren Raya No. 14", "RT 05/RW 02")))
	add(DecoyNeighbour, ak, mins(12, 55), "REDMI-AIRDOTS-2", 1, who("1142216634", "Maya Lestari", "085640118823", PlantFP(221),
		td("Jl. Tj. Duren Raya No. 21 depan Indomaret", tdArea)))
	add(DecoyNeighbour, mi, mins(14, 10), "MI-BAND-5-BLK", 1, who("1142327741", "Agus Wibowo", "081908732254", PlantFP(222),
		td("Jl. Tanjung Duren Utara No. 12", "RT 05/RW 02")))
	add(DecoyNeighbour, lz, mins(17, 25), "REDMI-AIRDOTS-2", 1, who("1142338850", "Sri Wibowo", "087732065419", PlantFP(223),
		td("Jl Tanjung Duren Utara 12 samping musholla", "RT 5/RW 2")))

	// A second ring, in Bandung, on a street name many cities have: four
	// accounts on Akulaku, mi.com and Lazada, with a landmark in brackets,
	// the fields in another order and a boarding-house room, a description
	// and a note in capitals.
	kn := func(line1, line2, city, post string) datasources.Address {
		return address(line1, line2, city, "Jawa Barat", post)
	}
	add(PlantAddressJig, ak, mins(12, 5), "MI-PWRBANK-20K", 2, who("1143108846", "Yusuf Hakim", "081220957713", PlantFP(45),
		kn("Jl. Kenanga No. 8", "RT 02/RW 06", "Bandung", "40123")))
	add(PlantAddressJig, mi, mins(14, 35), "MI-PWRBANK-20K", 2, who("1143219957", "Dewi Puspita", "085860214490", PlantFP(46),
		kn("Jalan Kenanga 8 (belakang masjid Al-Falah)", "RT 2 RW 6", "Kota Bandung", "40123")))
	add(PlantAddressJig, ak, mins(17, 2), "REDMI-AIRDOTS-2", 2, who("1143320068", "Galih Saputra", "+62 812-2177-0935", PlantFP(47),
		kn("Kenanga, Jl., No. 8, kos putri kamar 3", "", "Bandung", "40123")))
	add(PlantAddressJig, lz, mins(19, 44), "MI-PWRBANK-20K", 2, who("1143431179", "Intan Maharani", "089530662148", PlantFP(48),
		kn("JL KENANGA NO.8 RUMAH PAGAR BIRU, TOLONG TELP DULU", "RT 002/RW 006", "Bandung", "40123")))

	// Its neighbours, clean: the house ten numbers on, and a family of two
	// at the same number of a Jl. Kenanga in Bekasi, with the same RT/RW.
	add(DecoyNeighbour, mi, mins(15, 50), "MI-PWRBANK-20K", 1, who("1144105520", "Bagus Firmansyah", "081394470261", PlantFP(224),
		kn("Jl. Kenanga No. 18", "RT 02/RW 06", "Bandung", "40123")))
	add(DecoyNeighbour, lz, mins(13, 15), "MI-BAND-5-BLK", 1, who("1144216631", "Nanda Pertiwi", "081285530974", PlantFP(225),
		kn("Jl. Kenanga No. 8", "RT 02/RW 06", "Bekasi", "17115")))
	add(DecoyNeighbour, mi, mins(18, 40), "REDMI-AIRDOTS-2", 1, who("1144227742", "Rizal Pertiwi", "085710326685", PlantFP(226),
		kn("Jalan Kenanga 8", "RT 2 RW 6", "Kota Bekasi", "17115")))

	// The sibling street of the jigged address in Cempaka Putih: a family
	// of two at Cempaka Putih Barat 12, with the jig's RT/RW.
	add(DecoyNeighbour, ak, mins(5, 5), "POCO-X3-NFC-6128", 1, who("1145108853", "Fauzan Akbar", "081511906347", PlantFP(227),
		cp("Jl. Cempaka Putih Barat No. 12", "RT 07/RW 02", "Jakarta Pusat")))
	add(DecoyNeighbour, mi, mins(7, 30), "POCO-X3-NFC-6128", 1, who("1145219964", "Nur Akbar", "089877430156", PlantFP(228),
		cp("Jln Cempaka Putih Barat 12", "RT.007/RW.002", "Jakarta Pusat")))
	return ps
}

func who(id, name, phone, fp string, a datasources.Address) Buyer {
	return Buyer{ID: id, Name: name, Phone: phone, Address: a, PaymentFP: fp}
}

func address(line1, line2, city, region, post string) datasources.Address {
	return datasources.Address{Line1: line1, Line2: line2, City: city, Region: region, PostCode: post, Country: "Indonesia"}
}

// mostPopular is the SKU buyers pick most often.
func mostPopular(skus []SKUSpec) string {
	best := skus[0]
	for _, s := range skus[1:] {
		if s.Popularity > best.Popularity {
			best = s
		}
	}
	return best.SKU
}
