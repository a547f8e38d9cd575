package rules

import "strings"

// The words an address is read with, by what they mean. Indonesian and
// Malay share most of them; Filipino, Thai and Vietnamese addresses are
// read in the transliterations buyers type (diacritics are folded away
// before a word is looked up: "phường" is "phuong").

// word classes.
const (
	wNone     = iota
	wType     // a street type: jalan, gang, soi, street, road…
	wTitle    // a title dropped from street names: Jend., KH, Tun, Gen.…
	wQual     // a qualifier of a street name: Barat, Tengah, Raya, North…
	wAbbr     // an abbreviation of a word of a name: Kb. → Kebon
	wHouse    // introduces the house number: No., Nomor, Lot, Kav.
	wBlock    // introduces a block: Blok, Blk, Block
	wLot      // the lot after a block (Philippines): Lot
	wUnit     // introduces a unit: Unit, Room, Kamar, Phòng
	wTower    // introduces a tower or wing: Tower, Menara, Tòa, Building
	wFloor    // introduces a floor: Lantai, Lt., Tingkat, Floor, Tầng
	wBuilding // names a building of many homes: Apartemen, Residensi, Condo
	wArea     // introduces an area part: Kel., Kec., Taman, Brgy., Moo
	wAreaPost // closes an estate's name: Village, Homes, Subdivision
	wEstate   // opens an estate's name: Perumahan, Komplek, Cluster
	wLandmark // opens a landmark: depan, dekat, near, opposite, gần
	wDesc     // opens a description of the house: rumah, pagar, gate
	wColour   // a colour (a description only after rumah, pagar, gate…)
	wNote     // opens a note to the courier: titip, tolong, please
	wRT       // RT
	wRW       // RW
	wKm       // kilometre post of a road: Km
	wCityPre  // before a city's name: Kota, Kab., City of, Mueang
)

// Street types. A type of the generic class (the word for "street" or
// "road" in the market's language) goes with street and road; every other
// type goes only with itself.
const (
	tNone = iota
	tJalan
	tGang
	tLorong
	tLebuh
	tPersiaran
	tLingkaran
	tSoi
	tNgo
	tNgach
	tHem
	tKiet
	tStreet
	tRoad
	tAvenue
	tBoulevard
	tDrive
	tLane
	tHighway
	tWay
	tPlace
	tCourt
	tCrescent
	tClose
	tTerrace
	tCircle
	nTypes
)

// typeNames are how a type is written when a place is shown.
var typeNames = [nTypes]string{"", "jalan", "gang", "lorong", "lebuh", "persiaran", "lingkaran", "soi", "ngo", "ngach", "hem", "kiet",
	"street", "road", "avenue", "boulevard", "drive", "lane", "highway", "way", "place", "court", "crescent", "close", "terrace", "circle"}

// suffixType: written after the name ("Rizal St."), not before it.
func suffixType(t uint8) bool { return t >= tStreet }

// alleyType: a lane off a street, numbered or named after it ("Soi
// Sukhumvit 71", "ngõ 34 Trần Duy Hưng").
func alleyType(t uint8) bool { return t == tSoi || t == tNgo || t == tNgach || t == tHem || t == tKiet }

func typesAgree(a, b uint8) bool {
	if a == tNone || b == tNone || a == b {
		return true
	}
	generic := func(t uint8) bool { return t == tJalan }
	plain := func(t uint8) bool { return t == tStreet || t == tRoad }
	return generic(a) && (plain(b) || generic(b)) || generic(b) && plain(a)
}

// Area kinds: each is compared with the same kind only.
const (
	aWard     = iota // kelurahan, desa, barangay, phường, xã, tambon, khwaeng
	aDistrict        // kecamatan, quận, huyện, amphoe, khet
	aHamlet          // dusun, purok, moo, thôn, sitio
	aTaman           // a Malaysian taman
	aKampung         // kampung
	aSection         // seksyen, section, sektor
	aPhase           // phase of a subdivision
	nAreas
)

var areaNames = [nAreas]string{"kelurahan", "kecamatan", "hamlet", "taman", "kampung", "section", "phase"}

// Qualifiers, as bits. Raya (main road) may be left out by a buyer; every
// other qualifier tells sibling streets apart and must agree.
const (
	qRaya = 1 << iota
	qBarat
	qTimur
	qUtara
	qSelatan
	qTengah
	qDalam
	qLuar
	qNorth
	qSouth
	qEast
	qWest
	qExt
	qUpper
	qLower
)

// areaWords are area markers' abbreviations written out, for when one is
// part of a name ("Jln Kg Baru" is Jalan Kampung Baru).
var areaWords = map[string]string{
	"kg": "kampung", "kpg": "kampung", "tmn": "taman", "brgy": "barangay", "bgy": "barangay",
	"kel": "kelurahan", "kec": "kecamatan", "ds": "desa", "dsn": "dusun", "sek": "seksyen", "prk": "purok",
}

// wordInfo packs a word's class, an argument and an expansion index.
type wordInfo uint32

func (w wordInfo) class() uint8 { return uint8(w) }
func (w wordInfo) arg() uint16  { return uint16(w >> 8) }

var (
	wordTable  = map[string]wordInfo{}
	expansions []string // abbreviations' full words
	// nameAliases are other names of one street, by the letters of the
	// name (spaces gone): "gatsu" is Gatot Subroto.
	nameAliases = map[string]string{}
	// cityAliases map a city's spellings to one name; regions map to "".
	cityAliases = map[string]string{}
	// cityByDeletion finds a known city written with one letter wrong or
	// missing: each known name under itself and with each letter deleted.
	cityByDeletion = map[string]string{}
)

func addWords(class uint8, arg uint16, list string) {
	for _, w := range strings.Fields(list) {
		wordTable[w] = wordInfo(uint32(class) | uint32(arg)<<8)
	}
}

func init() {
	// Street types.
	addWords(wType, tJalan, "jalan jl jln jaln jl jlan thanon duong pho")
	addWords(wType, tGang, "gang gg")
	addWords(wType, tLorong, "lorong lrg lor")
	addWords(wType, tLebuh, "lebuh lbh")
	addWords(wType, tPersiaran, "persiaran pers psrn")
	addWords(wType, tLingkaran, "lingkaran lingk")
	addWords(wType, tSoi, "soi")
	addWords(wType, tNgo, "ngo")
	addWords(wType, tNgach, "ngach")
	addWords(wType, tHem, "hem")
	addWords(wType, tKiet, "kiet")
	addWords(wType, tStreet, "street st str")
	addWords(wType, tRoad, "road rd")
	addWords(wType, tAvenue, "avenue ave av")
	addWords(wType, tBoulevard, "boulevard blvd")
	addWords(wType, tDrive, "drive dr")
	addWords(wType, tLane, "lane ln")
	addWords(wType, tHighway, "highway hwy")
	addWords(wType, tWay, "way")
	addWords(wType, tPlace, "place pl")
	addWords(wType, tCourt, "court ct")
	addWords(wType, tCrescent, "crescent cres")
	addWords(wType, tClose, "close")
	addWords(wType, tTerrace, "terrace")
	addWords(wType, tCircle, "circle")

	// Titles in street names, dropped: "Jl. Jend. Sudirman" is "Jl. Sudirman".
	addWords(wTitle, 0, `jend jenderal jendral letjen mayjen brigjen laksda laksamana marsekal kolonel kol letkol
		kapten kapt let letnan kh kyai kiai haji hj h ir dr drs prof tun dato datuk tunku tengku tuanku
		gen general heneral sen senator pres presidente gov col capt don dona mgr msgr`)

	// Qualifiers.
	addWords(wQual, qRaya, "raya rya ry")
	addWords(wQual, qBarat, "barat brt")
	addWords(wQual, qTimur, "timur tmr")
	addWords(wQual, qUtara, "utara utr")
	addWords(wQual, qSelatan, "selatan sltn")
	addWords(wQual, qTengah, "tengah tgh")
	addWords(wQual, qDalam, "dalam")
	addWords(wQual, qLuar, "luar")
	addWords(wQual, qNorth, "north")
	addWords(wQual, qSouth, "south")
	addWords(wQual, qEast, "east")
	addWords(wQual, qWest, "west")
	addWords(wQual, qExt, "extension ext extn")
	addWords(wQual, qUpper, "upper")
	addWords(wQual, qLower, "lower")

	// Abbreviations of words in names.
	abbr := func(full, list string) {
		expansions = append(expansions, full)
		for _, w := range strings.Fields(list) {
			wordTable[w] = wordInfo(uint32(wAbbr) | uint32(len(expansions)-1)<<8)
		}
	}
	abbr("kebon", "kb")
	abbr("tanjung", "tj tg tjg")
	abbr("pasar", "psr")
	abbr("kampung", "kp kpg")
	abbr("bukit", "bkt")
	abbr("sungai", "sg sgi sei")
	abbr("padang", "pdg")
	abbr("batu", "btu")
	abbr("santa", "sta")
	abbr("santo", "sto")
	abbr("heights", "hts")
	abbr("muhammad", "mohd muhd md mohamad mohammad mohamed muhamad mohamad")
	abbr("abdul", "abd")
	abbr("mount", "mt")
	abbr("saint", "ste")

	// House numbers, blocks and units.
	addWords(wHouse, 0, "no nomor nomer nmr number num so kav kavling kavl")
	addWords(wHouse, 1, "lot") // a lot number; after a block it is the block's lot
	addWords(wBlock, 0, "blok blk block")
	addWords(wUnit, 0, "unit suite ste room rm kamar kmr bilik phong flat")
	addWords(wTower, 0, "tower twr menara toa building bldg wing")
	addWords(wFloor, 0, "lantai lt lnt tingkat tkt floor flr fl tang storey")
	addWords(wBuilding, 0, "apartemen apartement apartment apartmen apt condo condominium kondominium kondo pangsapuri gedung wisma rusun rusunawa rusunami mansion")
	addWords(wBuilding, 1, "residensi residence residences suites")
	addWords(wArea, aWard, "kelurahan kel desa ds barangay brgy bgy brg phuong ward xa tambon tumbon tumbol t khwaeng kwaeng khwang")
	addWords(wArea, aDistrict, "kecamatan kec kecamata quan q district dist huyen amphoe amphur ampher a khet mukim")
	addWords(wArea, aHamlet, "dusun dsn purok prk moo mu m thon sitio zone banjar")
	addWords(wArea, aTaman, "taman tmn")
	addWords(wArea, aKampung, "kampung kg kpg kampong")
	addWords(wArea, aSection, "seksyen section sek sektor")
	addWords(wArea, aPhase, "phase ph fase tahap")
	addWords(wAreaPost, 0, "village vill homes subdivision subd")
	addWords(wEstate, 0, "perumahan perum komplek kompleks komp cluster")
	addWords(wRT, 0, "rt")
	addWords(wRW, 0, "rw")
	addWords(wKm, 0, "km")

	// What does not locate the house.
	addWords(wLandmark, 0, `depan dpn dekat dkt dket samping smpg sampng sebelah sblh sbelah belakang blkg blakang
		seberang sbrg sebrang seberangnya pinggir masuk patokan ancer ancar ciri
		berhampiran berdekatan bersebelahan hadapan bertentangan
		near nr beside opposite opp behind across facing infront cor corner
		tapat malapit katabi likod harap tabi duol atbang luyo
		gan canh doi sau truoc`)
	addWords(wDesc, 0, "rumah rmh rmah rumh pagar cat warna pintu gerbang tembok gate house bahay kulay cong mau kos kost kosan")
	addWords(wColour, 0, `hijau merah biru kuning putih hitam abu coklat cokelat krem oranye ungu pink
		green blue red yellow white black grey gray brown orange purple
		berde asul pula dilaw puti itim xanh vang trang den`)
	addWords(wNote, 0, `titip titipkan tolong tlg tlp telp telpon telepon hubungi hub call pls please cod antar kirim
		taruh letak letakkan simpan leave hantar tinggal deliver delivery goi giao kalau kalo`)
	addWords(wCityPre, 'k', "kota")
	addWords(wCityPre, 'b', "kab kabupaten")

	// Other names of one street. Keys and values are letters and digits
	// with the spaces gone, after the spelling fold (see skeleton).
	for _, al := range []struct{ full, list string }{
		{"gatot subroto", "gatsu"},
		{"cach mang thang tam", "cmt8, cmt 8"},
		{"3 thang 2", "ba thang hai"},
		{"lat phrao", "ladprao, lad prao, latprao, lad phrao"},
		{"ratchadaphisek", "ratchada, rachada, ratchadapisek"},
		{"nimmanhaemin", "nimman, nimmanhemin"},
		{"huai kaeo", "huay kaew, huai kaew, huay kaeo"},
		{"phahonyothin", "phaholyothin, paholyothin"},
		{"epifanio de los santos", "edsa"},
	} {
		full := skeleton(al.full)
		nameAliases[strings.ReplaceAll(full, " ", "")] = full
		for _, w := range aliasList(al.list) {
			nameAliases[strings.ReplaceAll(skeleton(w), " ", "")] = full
		}
	}

	// Cities, with the other ways buyers write them. A region (province,
	// state) given where the city should be says nothing of the city.
	for _, c := range []struct{ name, aliases string }{
		// Indonesia
		{"jakarta pusat", "jakpus, jakarta central"},
		{"jakarta barat", "jakbar"},
		{"jakarta selatan", "jaksel"},
		{"jakarta timur", "jaktim"},
		{"jakarta utara", "jakut"},
		{"bandung", ""}, {"bandung barat", ""}, {"cimahi", ""}, {"bekasi", ""}, {"bogor", ""}, {"depok", ""},
		{"tangerang", ""}, {"tangerang selatan", "tangsel"}, {"surabaya", "sby"}, {"semarang", "smg"},
		{"yogyakarta", "jogja, jogjakarta, yogya, djogja, jogya"}, {"sleman", ""}, {"bantul", ""},
		{"medan", ""}, {"makassar", "ujung pandang"}, {"palembang", ""}, {"denpasar", ""}, {"badung", ""},
		{"malang", ""}, {"surakarta", "solo"}, {"batam", ""}, {"pekanbaru", ""}, {"padang", ""},
		{"balikpapan", ""}, {"samarinda", ""}, {"banjarmasin", ""}, {"pontianak", ""}, {"manado", ""},
		{"cirebon", ""}, {"sidoarjo", ""}, {"gresik", ""}, {"karawang", ""}, {"serang", ""}, {"cilegon", ""},
		{"sukabumi", ""}, {"tasikmalaya", ""}, {"kediri", ""}, {"jember", ""}, {"pasuruan", ""},
		{"mojokerto", ""}, {"magelang", ""}, {"tegal", ""}, {"pekalongan", ""}, {"purwokerto", ""},
		{"kudus", ""}, {"jambi", ""}, {"bengkulu", ""}, {"bandar lampung", ""}, {"mataram", ""},
		{"kupang", ""}, {"jayapura", ""}, {"ambon", ""}, {"kendari", ""}, {"palu", ""}, {"gorontalo", ""},
		// Malaysia
		{"kuala lumpur", "kl, wp kuala lumpur, wilayah persekutuan kuala lumpur, w p kuala lumpur"},
		{"petaling jaya", "pj"}, {"shah alam", ""}, {"subang jaya", ""}, {"klang", "kelang"}, {"kajang", ""},
		{"puchong", ""}, {"seri kembangan", "sri kembangan"}, {"cyberjaya", ""}, {"putrajaya", ""},
		{"johor bahru", "jb, johor baharu"}, {"ipoh", ""}, {"george town", "georgetown"}, {"bayan lepas", ""},
		{"butterworth", ""}, {"melaka", "malacca, bandar melaka, melaka bandaraya bersejarah"}, {"seremban", ""},
		{"kuantan", ""}, {"kota kinabalu", "kk"}, {"kuching", ""}, {"miri", ""}, {"alor setar", "alor star"},
		{"kota bharu", "kota baharu"}, {"kuala terengganu", "kt"}, {"sungai petani", ""}, {"taiping", ""},
		{"batu pahat", ""}, {"muar", ""}, {"rawang", ""}, {"nilai", ""},
		// Philippines
		{"manila", "city of manila"}, {"quezon city", "qc, quezon cty"}, {"makati", "makati city"},
		{"pasig", "pasig city"}, {"mandaluyong", "mandaluyong city"}, {"taguig", "taguig city"},
		{"pasay", "pasay city"}, {"paranaque", "paranaque city"}, {"las pinas", "las pinas city"},
		{"muntinlupa", "muntinlupa city"}, {"marikina", "marikina city"}, {"caloocan", "caloocan city"},
		{"valenzuela", "valenzuela city"}, {"malabon", ""}, {"navotas", ""}, {"san juan", "san juan city"},
		{"antipolo", "antipolo city"}, {"cainta", ""}, {"taytay", ""}, {"bacoor", "bacoor city"},
		{"imus", "imus city"}, {"dasmarinas", "dasmarinas city"}, {"general trias", "gen trias, general trias city"},
		{"calamba", "calamba city"}, {"binan", "binan city"}, {"cebu city", "cebu"}, {"mandaue", "mandaue city"},
		{"lapu lapu", "lapu lapu city"}, {"davao city", "davao"}, {"cagayan de oro", "cdo, cagayan de oro city"},
		{"iloilo city", "iloilo"}, {"bacolod", "bacolod city"}, {"baguio", "baguio city"},
		{"angeles", "angeles city"}, {"tagum", "tagum city"}, {"general santos", "gensan, general santos city"},
		{"zamboanga", "zamboanga city"}, {"batangas city", ""}, {"lipa", "lipa city"},
		// Thailand
		{"bangkok", "krung thep, krung thep maha nakhon, krungthep, bkk, bangkok metropolis"},
		{"nonthaburi", ""}, {"pak kret", "pakkret"}, {"pathum thani", ""}, {"samut prakan", ""},
		{"chiang mai", "chiangmai"}, {"chiang rai", "chiangrai"}, {"phuket", ""}, {"pattaya", ""},
		{"chon buri", "chonburi"}, {"si racha", "sriracha"}, {"rayong", ""}, {"khon kaen", "khonkaen"},
		{"nakhon ratchasima", "korat"}, {"udon thani", ""}, {"hat yai", "hatyai"}, {"surat thani", ""},
		{"hua hin", ""}, {"ayutthaya", "phra nakhon si ayutthaya"},
		// Vietnam
		{"ha noi", "hanoi, hn"}, {"ho chi minh", "hcm, tphcm, tp hcm, hcmc, ho chi minh city, sai gon, saigon"},
		{"da nang", "danang"}, {"hai phong", "haiphong"}, {"can tho", ""}, {"hue", "thua thien hue"},
		{"nha trang", ""}, {"bien hoa", ""}, {"vung tau", ""}, {"da lat", "dalat"}, {"thu duc", ""},
		// Singapore
		{"singapore", "sg, singapura"},
	} {
		addCity(c.name, c.name)
		for _, a := range aliasList(c.aliases) {
			addCity(a, c.name)
		}
	}
	for _, r := range []string{
		"jakarta", "dki jakarta", "daerah khusus ibukota jakarta", "jawa barat", "jawa tengah", "jawa timur", "banten",
		"di yogyakarta", "daerah istimewa yogyakarta", "bali", "sumatera utara", "sulawesi selatan",
		"selangor", "johor", "perak", "pulau pinang", "penang", "kedah", "kelantan", "terengganu", "pahang",
		"negeri sembilan", "sabah", "sarawak", "perlis", "wilayah persekutuan", "metro manila", "ncr",
		"cavite", "laguna", "rizal", "bulacan", "pampanga", "batangas", "indonesia", "malaysia", "philippines",
		"thailand", "vietnam", "viet nam",
	} {
		cityAliases[cityKey(r)] = ""
	}
	for w, info := range wordTable {
		if info.class() == wQual && info.arg() != qRaya {
			compassWords[skeleton(w)] = info.arg()
		}
	}
	for key, name := range cityAliases {
		if name == "" || len(key) < 5 {
			continue
		}
		for i := range len(key) {
			d := key[:i] + key[i+1:]
			if _, known := cityAliases[d]; !known {
				cityByDeletion[d] = name
			}
		}
	}
}

// aliasList splits a comma-separated list of aliases.
func aliasList(list string) []string {
	var out []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

func addCity(alias, name string) {
	k := cityKey(alias)
	if _, taken := cityAliases[k]; taken && cityAliases[k] != "" && k != cityKey(name) {
		return // a name keeps its own meaning over another's alias
	}
	cityAliases[k] = name
}

// cityKey is a city name as it is looked up: letters only.
func cityKey(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b = append(b, c)
		}
	}
	return string(b)
}
