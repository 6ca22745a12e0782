"""Name, title, role and place tables for the second generator.

Written from published descriptions (see README.md): every entry is
``key|Perso-Arabic spelling|Latin spellings``, the Latin spellings being the
ones seen in informal English use, in BGN/PCGN-style and in ALA-LC-style
romanisation (diacritics dropped, as clerks and web forms drop them), and in
Iranian-style spelling (e/o vowels).  Lists are ordered from common to rare:
the generator gives the entry of rank r a weight proportional to
1 / (r + 2) ** skew, so a few names are very common (namesakes) and a long
tail is rare.
"""

# --- simple given-name elements (male), common first ----------------------
MALE = """\
mohammad|محمد|Mohammad,Muhammad,Mohammed,Mohamad,Muhammed,Mohamed,Mohmmad,Muhamad
ahmad|احمد|Ahmad,Ahmed,Ahmat,Ehmad
ali|علی|Ali,Aly,Alee
ghulam|غلام|Ghulam,Gholam,Golam,Gulam,Ghullam
gul|گل|Gul,Gol,Ghul
noor|نور|Noor,Nur,Nour
hussain|حسین|Hussain,Husain,Hussein,Hosain,Hossein,Husayn,Hussian
shah|شاه|Shah,Sha,Shaah
jan|جان|Jan,Jaan,Jahn
khan|خان|Khan,Kan,Khaan
hassan|حسن|Hassan,Hasan,Hasen
mahmood|محمود|Mahmood,Mahmud,Mahmoud,Mehmood
zaman|زمان|Zaman,Zamaan,Zamman
nabi|نبی|Nabi,Nabee,Naby
rasul|رسول|Rasul,Rasool,Rasoul,Rassul
sakhi|سخی|Sakhi,Sakhee,Sakhy
haidar|حیدر|Haidar,Haider,Hayder,Heydar,Hydar
sarwar|سرور|Sarwar,Sarvar,Sarwer
nazar|نظر|Nazar,Nezar,Nazer
wali|ولی|Wali,Vali,Walli
karim|کریم|Karim,Kareem,Kerim
rahim|رحیم|Rahim,Raheem,Rahem
hamid|حمید|Hamid,Hameed,Hamed
farid|فرید|Farid,Fareed,Fered
omar|عمر|Omar,Umar,Omer
yousuf|یوسف|Yousuf,Yusuf,Yousef,Yosuf,Yusof
ibrahim|ابراهیم|Ibrahim,Ebrahim,Ibraheem,Ibrahem
ismail|اسماعیل|Ismail,Esmail,Ismael,Ismayil
ishaq|اسحاق|Ishaq,Eshaq,Ishak,Isaq
yaqub|یعقوب|Yaqub,Yaqoob,Yakub,Yaghoub,Yacoub
musa|موسی|Musa,Moosa,Mousa
dawood|داوود|Dawood,Dawud,Daud,Davood,Dawod
sulaiman|سلیمان|Sulaiman,Suleiman,Soleiman,Sulayman,Solaiman
idris|ادریس|Idris,Idrees,Edris
ilyas|الیاس|Ilyas,Elyas,Elias
jamal|جمال|Jamal,Jamaal,Jemal
kamal|کمال|Kamal,Kamaal,Kemal
jalal|جلال|Jalal,Jalaal,Jelal
bilal|بلال|Bilal,Belal,Bilaal
fawad|فواد|Fawad,Fawaad,Fuad,Foad
farhad|فرهاد|Farhad,Farhaad,Ferhad
javed|جاوید|Javed,Jawed,Jawid,Javid,Jaweed
jawad|جواد|Jawad,Javad,Jawaad
naveed|نوید|Naveed,Nawid,Navid,Naweed
nasir|ناصر|Nasir,Naser,Naseer,Nasser
naseem|نسیم|Naseem,Nasim,Nasem
qasim|قاسم|Qasim,Qasem,Kasim,Ghasem,Qaseem
rafi|رفیع|Rafi,Rafee,Rafie
rashid|رشید|Rashid,Rasheed,Rashed
sabir|صابر|Sabir,Saber,Sabeer
sadiq|صادق|Sadiq,Sadeq,Sadik,Sadegh
saeed|سعید|Saeed,Said,Sayeed,Saed
salim|سلیم|Salim,Saleem,Selim
sami|سمیع|Sami,Samee,Samiee
sharif|شریف|Sharif,Shareef,Sherif
shafiq|شفیق|Shafiq,Shafeeq,Shafik
shakir|شاکر|Shakir,Shaker,Shakeer
shams|شمس|Shams,Shamse
sher|شیر|Sher,Shir,Sheer
shoaib|شعیب|Shoaib,Shuaib,Shoayb,Shoeb
siddiq|صدیق|Siddiq,Siddique,Sediq,Sadiq
sultan|سلطان|Sultan,Soltan,Sultaan
tahir|طاهر|Tahir,Taher,Taheer
tariq|طارق|Tariq,Tareq,Tarik
wahid|وحید|Wahid,Waheed,Vahid,Wahed
wais|ویس|Wais,Wees,Ways
yasin|یاسین|Yasin,Yaseen,Yassin
zahir|ظاهر|Zahir,Zaher,Zaheer
zakir|ذاکر|Zakir,Zaker,Zakeer
zia|ضیا|Zia,Ziya,Zea
zubair|زبیر|Zubair,Zobair,Zubayr,Zuber
aziz|عزیز|Aziz,Azeez,Azis
azim|عظیم|Azim,Azeem,Azem
akbar|اکبر|Akbar,Akber
asghar|اصغر|Asghar,Asgher,Asqar
amin|امین|Amin,Ameen,Amen
amir|امیر|Amir,Ameer,Emir
anwar|انور|Anwar,Anwer,Anvar
arif|عارف|Arif,Aref,Areef
asad|اسد|Asad,Assad,Asaad
atiq|عتیق|Atiq,Ateeq,Atik
baqir|باقر|Baqir,Baqer,Bagher
basir|بصیر|Basir,Baseer,Basser
bashir|بشیر|Bashir,Basheer,Besheer
fazal|فضل|Fazal,Fazl,Fazel,Fazil
faiz|فیض|Faiz,Fayz,Faez
habib|حبیب|Habib,Habeeb,Habeb
hakim|حکیم|Hakim,Hakeem,Hakem
halim|حلیم|Halim,Haleem
hanif|حنیف|Hanif,Haneef,Hanef
haroon|هارون|Haroon,Harun,Haroun
hashim|هاشم|Hashim,Hashem,Hasheem
hayat|حیات|Hayat,Hayaat,Hiyat
hazrat|حضرت|Hazrat,Hazarat,Hazret
hedayat|هدایت|Hedayat,Hidayat,Hedayet
hekmat|حکمت|Hekmat,Hikmat,Hekmet
iqbal|اقبال|Iqbal,Eqbal,Ikbal
khalid|خالد|Khalid,Khaled,Khaleed
khalil|خلیل|Khalil,Khaleel,Khalel
latif|لطیف|Latif,Lateef,Latef
majid|مجید|Majid,Majeed,Majed
malik|ملک|Malik,Malek,Malak
mansoor|منصور|Mansoor,Mansur,Mansour
masood|مسعود|Masood,Masud,Masoud,Massoud
matin|متین|Matin,Mateen,Matine
mirwais|میرویس|Mirwais,Mirwaiz,Mir Wais,Mirways
mujib|مجیب|Mujib,Mujeeb,Mojib
mukhtar|مختار|Mukhtar,Mokhtar,Mukhtaar
munir|منیر|Munir,Muneer,Monir
murtaza|مرتضی|Murtaza,Mortaza,Murtuza
mustafa|مصطفی|Mustafa,Mostafa,Mustapha
nadir|نادر|Nadir,Nader,Nadeer
naim|نعیم|Naim,Naeem,Nayeem
najib|نجیب|Najib,Najeeb,Nadjib
naqib|نقیب|Naqib,Naqeeb,Nakib
nasrat|نصرت|Nasrat,Nusrat,Nosrat
nazir|نذیر|Nazir,Nazeer,Nazer
obaid|عبید|Obaid,Ubaid,Obayd
qadir|قادر|Qadir,Qader,Kadir
qais|قیس|Qais,Qays,Kais
rahman|رحمان|Rahman,Rehman,Rahmaan
ramin|رامین|Ramin,Rameen
reza|رضا|Reza,Raza,Riza
saboor|صبور|Saboor,Sabur,Sabour
shafi|شفیع|Shafi,Shafee,Shafie
shahid|شاهد|Shahid,Shahed,Shaheed
shakib|شکیب|Shakib,Shakeeb,Shakeb
taj|تاج|Taj,Taaj,Tadj
faqir|فقیر|Faqir,Faqeer,Fakir
pacha|پاچا|Pacha,Padsha,Pasha
dost|دوست|Dost,Dust,Doost
pir|پیر|Pir,Peer
eid|عید|Eid,Id,Eed
juma|جمعه|Juma,Jumma,Jumah,Joma
khair|خیر|Khair,Khayr,Kheir
baz|باز|Baz,Baaz
badshah|بادشاه|Badshah,Badsha,Padshah
lal|لعل|Lal,Laal,Lall
bakht|بخت|Bakht,Bakhet,Bakth
zalmai|زلمی|Zalmai,Zalmay,Zalmei
zmarai|ځمری|Zmarai,Zmaray,Zmarey
khushal|خوشحال|Khushal,Khoshal,Khushhal
ajmal|اجمل|Ajmal,Ajmel
wazir|وزیر|Wazir,Vazir,Wazeer
sangin|سنگین|Sangin,Sangeen
qurban|قربان|Qurban,Ghorban,Qorban,Kurban
ramazan|رمضان|Ramazan,Ramadan,Ramzan,Ramezan
rajab|رجب|Rajab,Rajeb
safar|صفر|Safar,Safer
nauroz|نوروز|Nauroz,Nowruz,Nawroz,Norooz
mirza|میرزا|Mirza,Merza,Mirzah
ewaz|عوض|Ewaz,Ewas,Awaz,Evaz
barat|برات|Barat,Baraat
qambar|قمبر|Qambar,Qanbar,Ghanbar,Kambar
behzad|بهزاد|Behzad,Bahzad,Behzaad
bahram|بهرام|Bahram,Behram
jamshid|جمشید|Jamshid,Jamsheed,Jamshed
khosrow|خسرو|Khosrow,Khusraw,Khosro,Khusrau
parviz|پرویز|Parviz,Parwiz,Perviz,Parvez
rostam|رستم|Rostam,Rustam,Rustum
sohrab|سهراب|Sohrab,Suhrab,Sohraab
homayoun|همایون|Homayoun,Humayun,Homayun,Humayoon
shahram|شهرام|Shahram,Shahraam
omid|امید|Omid,Umid,Omeed
fardin|فردین|Fardin,Fardeen
mehran|مهران|Mehran,Mihran
shahpoor|شاهپور|Shahpoor,Shahpur,Shapoor
aryan|آرین|Aryan,Arian,Ariyan
hamayun|همایون|Hamayun,Hamayoon
ghani|غنی|Ghani,Ghanee,Gani
hadi|هادی|Hadi,Haadi,Hadee
mahdi|مهدی|Mahdi,Mehdi,Mahdee
hamza|حمزه|Hamza,Hamzah,Hamzeh
imran|عمران|Imran,Emran,Imraan
irfan|عرفان|Irfan,Erfan,Irfaan
sajad|سجاد|Sajad,Sajjad,Sajaad
zabih|ذبیح|Zabih,Zabeeh,Zabi
mohsin|محسن|Mohsin,Mohsen,Muhsin
muslim|مسلم|Muslim,Moslem,Muslem
"""

# --- female given names (single element as a rule) -------------------------
FEMALE = """\
fatima|فاطمه|Fatima,Fatema,Fatemeh,Fathima
zahra|زهرا|Zahra,Zehra,Zohra
maryam|مریم|Maryam,Mariam,Meryam
zainab|زینب|Zainab,Zaynab,Zeinab
masooma|معصومه|Masooma,Masuma,Masoomeh,Masuma
laila|لیلا|Laila,Leila,Layla,Lila
homa|هما|Homa,Huma
nasrin|نسرین|Nasrin,Nasreen
parwin|پروین|Parwin,Parveen,Parvin
shabana|شبانه|Shabana,Shabaneh
farzana|فرزانه|Farzana,Farzaneh
freshta|فرشته|Freshta,Fereshta,Fereshteh
zarghona|زرغونه|Zarghona,Zarghuna,Zarghoona
malalai|ملالی|Malalai,Malalay,Malali
mursal|مرسل|Mursal,Morsal
nilofar|نیلوفر|Nilofar,Nilufar,Niloofar
roya|رویا|Roya,Rooya,Ruya
sima|سیما|Sima,Seema
soraya|ثریا|Soraya,Suraya,Sorayya
tahmina|تهمینه|Tahmina,Tahmineh,Tahmeena
wahida|وحیده|Wahida,Vahida,Waheeda
zakia|زکیه|Zakia,Zakiya,Zakiyeh
gulalai|گلالی|Gulalai,Gulalay,Gulali
nazifa|نظیفه|Nazifa,Nazeefa
shakila|شکیلا|Shakila,Shakeela
"""

# --- second elements of Abdul- names (attributes, mostly of God) ----------
ABDUL = """\
rahman|رحمن|Rahman,Rehman,Rahmaan
rahim|رحیم|Rahim,Raheem,Rahem
karim|کریم|Karim,Kareem,Kerim
ghafoor|غفور|Ghafoor,Ghafur,Ghafour,Gafoor
wahab|وهاب|Wahab,Wahhab,Vahab
samad|صمد|Samad,Samed,Samat
hakim|حکیم|Hakim,Hakeem
qadir|قادر|Qadir,Qader,Kadir
jabbar|جبار|Jabbar,Jabar,Jabber
latif|لطیف|Latif,Lateef
malik|مالک|Malik,Malek
hadi|هادی|Hadi,Haadi
basir|بصیر|Basir,Baseer
sattar|ستار|Sattar,Satar,Sattaar
razaq|رزاق|Razaq,Razzaq,Razak,Razzak
haq|حق|Haq,Hak,Haque
bari|باری|Bari,Baari
ali|علی|Ali,Aly
hamid|حمید|Hamid,Hameed
majid|مجید|Majid,Majeed
wali|ولی|Wali,Vali
qayum|قیوم|Qayum,Qayyum,Qayoom,Kayum
rashid|رشید|Rashid,Rasheed
aziz|عزیز|Aziz,Azeez
khaliq|خالق|Khaliq,Khaleq,Khalik
rauf|رئوف|Rauf,Raouf,Raoof
jalil|جلیل|Jalil,Jaleel
ahad|احد|Ahad,Ahed
wahid|واحد|Wahid,Wahed,Vahid
qahar|قهار|Qahar,Qahhar,Kahar
nasir|ناصر|Nasir,Naser
salam|سلام|Salam,Salaam
shakoor|شکور|Shakoor,Shakur,Shukur
manan|منان|Manan,Mannan
matin|متین|Matin,Mateen
ghani|غنی|Ghani,Gani
baqi|باقی|Baqi,Baqee,Baki
"""

# --- first elements of -ullah names (X + Allah) ----------------------------
ULLAH = """\
noor|نور|Noor,Nur,Nour
naqib|نقیب|Naqib,Naqeeb,Nakib
hayat|حیات|Hayat,Hayaat
sami|سمیع|Sami,Samee,Samie
rahmat|رحمت|Rahmat,Rehmat,Rahmet
amin|امین|Amin,Amen,Ameen
hikmat|حکمت|Hikmat,Hekmat
ihsan|احسان|Ihsan,Ehsan,Ehsaan
inayat|عنایت|Inayat,Enayat,Inayet
zia|ضیا|Zia,Ziya,Ziaul
saif|سیف|Saif,Sayf,Seif
habib|حبیب|Habib,Habeeb
kalim|کلیم|Kalim,Kaleem
asad|اسد|Asad,Assad
aziz|عزیز|Aziz,Azeez
obaid|عبید|Obaid,Ubaid,Obayd
hamd|حمد|Hamd,Hamad,Hamed
zabih|ذبیح|Zabih,Zabi,Zabeeh
najib|نجیب|Najib,Najeeb
nasr|نصر|Nasr,Nasar,Naser
faiz|فیض|Faiz,Fayz,Faez
khair|خیر|Khair,Khayr,Khir
ata|عطا|Ata,Atta,Ataa
lutf|لطف|Lutf,Lotf,Lutuf
azmat|عظمت|Azmat,Azmet
izzat|عزت|Izzat,Ezzat,Izat
shafi|شفیع|Shafi,Shafee
wali|ولی|Wali,Vali
sana|ثنا|Sana,Sanaa
rafi|رفیع|Rafi,Rafee
nemat|نعمت|Nemat,Naimat,Neamat
mati|مطیع|Mati,Motee,Muti
asmat|عصمت|Asmat,Esmat,Ismat
hidayat|هدایت|Hidayat,Hedayat
"""

# --- first elements of -uddin names (X + al-Din) ---------------------------
UDDIN = """\
nasir|نصیر|Nasir,Naseer,Nasr
salah|صلاح|Salah,Salaah,Sala
jalal|جلال|Jalal,Jalaal
kamal|کمال|Kamal,Kamaal
jamal|جمال|Jamal,Jamaal
shams|شمس|Shams,Shamsh
qutb|قطب|Qutb,Qutub,Kutub
nizam|نظام|Nizam,Nezam
ala|علاء|Ala,Alaa,Ula
baha|بهاء|Baha,Bahaa
fakhr|فخر|Fakhr,Fakhar,Fakher
moin|معین|Moin,Mueen,Moeen
sharaf|شرف|Sharaf,Sharf
zia|ضیاء|Zia,Ziya
imad|عماد|Imad,Emad
siraj|سراج|Siraj,Seraj
najm|نجم|Najm,Najam
alim|علیم|Alim,Aleem
gul|گل|Gul,Gol
mohi|محی|Mohi,Muhyi,Mohy
"""

# --- family, tribal and place names -----------------------------------------
# Pashtun tribal/clan names (-zai, -khel), Hazara/Tajik nisba names (-i),
# -zada names (son of a ...), names from titles and places.
FAMILY = """\
ahmadzai|احمدزی|Ahmadzai,Ahmadzay,Ahmedzai,Ahmadzei
hussaini|حسینی|Hussaini,Husaini,Hosseini,Husseini,Hossaini
mohammadi|محمدی|Mohammadi,Muhammadi,Mohamadi,Mohammedi
ahmadi|احمدی|Ahmadi,Ahmedi,Ahmady
popalzai|پوپلزی|Popalzai,Popalzay,Popolzai,Popal Zai
barakzai|بارکزی|Barakzai,Barakzay,Barekzai
noorzai|نورزی|Noorzai,Nurzai,Noorzay
rahimi|رحیمی|Rahimi,Raheemi,Rahemi
karimi|کریمی|Karimi,Kareemi,Karemi
hashimi|هاشمی|Hashimi,Hashemi,Hasheemi
sadat|سادات|Sadat,Saadat,Sadaat
alizada|علیزاده|Alizada,Alizadah,Alizadeh,Ali Zada
stanikzai|استانکزی|Stanikzai,Stanekzai,Stanakzai
achakzai|اچکزی|Achakzai,Achekzai,Achakzay
alokozai|علیکوزی|Alokozai,Alikozai,Alekozai,Alkozai
ishaqzai|اسحاقزی|Ishaqzai,Eshaqzai,Ishaqzay
mohammadzai|محمدزی|Mohammadzai,Muhammadzai,Mohamadzai
yousufzai|یوسفزی|Yousufzai,Yusufzai,Yousafzai,Yousefzai
alizai|علیزی|Alizai,Alizay,Alezai
kakar|کاکړ|Kakar,Kakkar,Kaker
shinwari|شینواری|Shinwari,Shinwary,Shenwari
mohmand|مومند|Mohmand,Momand,Mohmund
safi|صافی|Safi,Saafi,Safee
afridi|اپریدی|Afridi,Aphridi,Apridi
wardak|وردک|Wardak,Wardag,Vardak
zadran|ځدراڼ|Zadran,Dzadran,Jadran
mangal|منگل|Mangal,Mangel
tanai|تڼی|Tanai,Tani,Tanay
khogyani|خوګیاڼی|Khogyani,Khogiani,Khugyani
sabari|صبری|Sabari,Sabri
niazi|نیازی|Niazi,Niyazi,Nyazi
lodin|لودین|Lodin,Ludin,Lodeen
taraki|ترکی|Taraki,Tarakai,Tarakay
sahak|سهاک|Sahak,Sahaak
totakhel|توتاخیل|Totakhel,Tota Khel,Totakhil
ahmadkhel|احمدخیل|Ahmadkhel,Ahmad Khel,Ahmadkhil
omarkhel|عمرخیل|Omarkhel,Umarkhel,Omar Khel
sulaimankhel|سلیمانخیل|Sulaimankhel,Suleimankhel,Sulaiman Khel
ibrahimkhel|ابراهیم‌خیل|Ibrahimkhel,Ebrahimkhel,Ibrahim Khel
musakhel|موسی‌خیل|Musakhel,Moosakhel,Musa Khel
babakarkhel|بابکرخیل|Babakarkhel,Babakar Khel,Babakerkhel
jabarkhel|جبارخیل|Jabarkhel,Jabbarkhel,Jabar Khel
zazai|ځاځی|Zazai,Jaji,Zazay
mamozai|مموزی|Mamozai,Mamuzai
rahimzai|رحیمزی|Rahimzai,Raheemzai
karimzai|کریمزی|Karimzai,Kareemzai
sadozai|سدوزی|Sadozai,Saddozai,Sadozay
kharoti|خروټی|Kharoti,Kharotai,Kharooti
hotak|هوتک|Hotak,Hotaki,Hotek
tokhi|توخی|Tokhi,Tokhai,Tukhi
durrani|درانی|Durrani,Durani,Dorrani
ghilzai|غلجی|Ghilzai,Ghiljai,Ghilzay
tarin|ترین|Tarin,Tareen,Terin
rezaei|رضایی|Rezaei,Rezai,Rezaee,Rizai
sharifi|شریفی|Sharifi,Shareefi,Sherifi
jaghori|جاغوری|Jaghori,Jaghuri,Jaghoori
behsudi|بهسودی|Behsudi,Bihsudi,Behsoodi
yakawlangi|یکاولنگی|Yakawlangi,Yakaolangi,Yakolangi
bamyani|بامیانی|Bamyani,Bamiyani,Bamiani
haidari|حیدری|Haidari,Haideri,Heydari
jafari|جعفری|Jafari,Jafary,Jaafari
hussainzada|حسین‌زاده|Hussainzada,Husainzada,Hosseinzadeh,Hussain Zada
naderi|نادری|Naderi,Nadiri,Nadery
mohseni|محسنی|Mohseni,Muhsini,Mohsini
sultani|سلطانی|Sultani,Soltani,Sultany
rasuli|رسولی|Rasuli,Rasooli,Rasouli
nazari|نظری|Nazari,Nezari,Nazary
akbari|اکبری|Akbari,Akbary,Akberi
samadi|صمدی|Samadi,Samedi
danish|دانش|Danish,Danesh,Daneesh
panjshiri|پنجشیری|Panjshiri,Panjsheri,Panjsheeri
badakhshi|بدخشی|Badakhshi,Badakhshy,Badaxshi
kabuli|کابلی|Kabuli,Kaboli,Kabooli
herawi|هروی|Herawi,Heravi,Harawi
logari|لوگری|Logari,Loghari,Logary
parwani|پروانی|Parwani,Parvani
andarabi|اندرابی|Andarabi,Andarabee
salangi|سالنگی|Salangi,Salangy
noori|نوری|Noori,Nuri,Nouri
amiri|امیری|Amiri,Ameeri,Emiri
azizi|عزیزی|Azizi,Azeezi
habibi|حبیبی|Habibi,Habeebi
hakimi|حکیمی|Hakimi,Hakeemi
hamidi|حمیدی|Hamidi,Hameedi
kohistani|کوهستانی|Kohistani,Kuhistani,Kohestani
nuristani|نورستانی|Nuristani,Nooristani,Nurestani
qaderi|قادری|Qaderi,Qadiri,Kadiri
rahmani|رحمانی|Rahmani,Rehmani
siddiqi|صدیقی|Siddiqi,Sediqi,Siddiqui,Sadiqi
wahidi|وحیدی|Wahidi,Waheedi,Vahidi
yousufi|یوسفی|Yousufi,Yusufi,Yousefi
zahiri|ظاهری|Zahiri,Zaheri
faizi|فیضی|Faizi,Faezi,Fayzi
mujaddidi|مجددی|Mujaddidi,Mojaddedi,Mujadidi
gailani|گیلانی|Gailani,Gilani,Geylani
jalali|جلالی|Jalali,Jalaly
popal|پوپل|Popal,Popel
baloch|بلوچ|Baloch,Baluch,Balouch
turkmani|ترکمنی|Turkmani,Turkmeni
turkistani|ترکستانی|Turkistani,Turkestani
faryabi|فاریابی|Faryabi,Fariabi
jowzjani|جوزجانی|Jowzjani,Jawzjani,Jozjani
balkhi|بلخی|Balkhi,Balkhy
andkhoyi|اندخویی|Andkhoyi,Andkhoi,Andkhuyi
qaisari|قیصاری|Qaisari,Qaysari,Kaisari
mirzada|میرزاده|Mirzada,Mirzadah,Mirzadeh
sayedzada|سیدزاده|Sayedzada,Syedzada,Seyedzadeh
akhundzada|آخندزاده|Akhundzada,Akhundzadah,Akhoondzada
mullazada|ملازاده|Mullazada,Mulazada
sahibzada|صاحبزاده|Sahibzada,Sahebzada,Sahibzadah
khalilzad|خلیلزاد|Khalilzad,Khaleelzad
amirzada|امیرزاده|Amirzada,Amirzadeh
karimzada|کریم‌زاده|Karimzada,Karimzadeh
rahimzada|رحیم‌زاده|Rahimzada,Raheemzada
noorzada|نورزاده|Noorzada,Nurzada
hakimzada|حکیم‌زاده|Hakimzada,Hakeemzada
zurmati|زرمتی|Zurmati,Zormati
ghaznawi|غزنوی|Ghaznawi,Ghaznavi,Ghaznawy
uruzgani|ارزگانی|Uruzgani,Oruzgani,Orozgani
helmandi|هلمندی|Helmandi,Hilmandi
kandahari|کندهاری|Kandahari,Qandahari
"""

# --- titles and honorifics ---------------------------------------------------
# key|script|Latin spellings|position (pre = before the name, post = after)
TITLES = """\
haji|حاجی|Haji,Hajji,Hadji,Alhaj,Al-Haj|pre
sayed|سید|Sayed,Syed,Sayyid,Said,Seyed,Sayid,Sayyed|pre
mullah|ملا|Mullah,Mulla,Molla,Mula|pre
mawlawi|مولوی|Mawlawi,Maulawi,Maulvi,Molvi,Mawlavi|pre
qari|قاری|Qari,Kari,Qaari|pre
eng|انجنیر|Eng.,Engr.,Eng,Engineer|pre
dr|داکتر|Dr.,Dr,Doctor|pre
agha|آغا|Agha,Aga,Aqa|pre
khan|خان|Khan,KHAN,Khaan|post
"""

ROLES = {
    # canonical: (weight, clerk spellings, applicant wordings)
    "interpreter": (45, ["Interpreter", "TERP", "Terp", "Linguist", "LN Interpreter", "Cat II Linguist",
                         "Language Assistant", "Int.", "Interp", "Translator/Interpreter"],
                    ["Interpreter", "interpreter", "Translator", "Interpreter / translator",
                     "Language assistant", "terp", "Interpreter for the army", "Linguist"]),
    "driver": (12, ["Driver", "DRVR", "Drvr", "Driver (LEC)", "Vehicle Driver", "Dvr"],
               ["Driver", "driver", "Drive", "Driving"]),
    "guard": (14, ["Guard", "Security Guard", "Force Protection", "Gate Guard", "FP Guard", "Sec Gd"],
              ["Guard", "Security guard", "security", "Gate guard"]),
    "cultural": (5, ["Cultural Advisor", "Cultural Adviser", "CA", "Cult. Adv.", "Cultural Advisor/Interpreter"],
                 ["Cultural adviser", "Cultural Advisor", "Adviser", "cultural advisor"]),
    "cook": (4, ["Cook", "Kitchen Hand", "Cook/Kitchen"], ["Cook", "Kitchen", "cook"]),
    "mechanic": (4, ["Mechanic", "Mech", "Vehicle Mechanic"], ["Mechanic", "mechanical", "Mechanic (vehicles)"]),
    "engineer": (3, ["Engineer", "Site Engineer", "Civil Engineer", "Engr"], ["Engineer", "Civil engineer", "Engineer"]),
    "labourer": (5, ["Labourer", "Laborer", "Labour", "General Hand"], ["Labourer", "Worker", "labor"]),
    "cleaner": (3, ["Cleaner", "Cleaning", "Janitor"], ["Cleaner", "cleaning"]),
    "admin": (4, ["Admin Assistant", "Administrator", "Admin Asst", "Clerk", "Office Assistant"],
              ["Admin", "Administration", "Office assistant", "Clerk"]),
    "fixer": (1, ["Fixer", "Local Liaison", "Liaison"], ["Liaison", "Fixer"]),
}

# base place: (weight, clerk spellings of the place, unit templates ({p} = a place spelling),
#              applicant wordings of the unit)
PLACES = {
    "bamyan": (14, ["Bamyan", "Bamiyan", "Bamian", "Bamyan Prov", "Bamyan Province"],
               ["PRT {p}", "{p} PRT", "NZPRT", "NZ PRT {p}", "Kiwi Base", "PRT ({p})", "CRIB"],
               ["PRT Bamyan", "New Zealand PRT", "Kiwi base", "the PRT", "NZ army Bamiyan"]),
    "kabul": (16, ["Kabul", "Kabol", "KBL", "Kabul City"],
              ["HQ ISAF", "ISAF HQ", "KAIA", "Camp Qargha", "ANAOA", "Embassy Guard Force", "HQ {p}"],
              ["ISAF headquarters", "Kabul airport", "Qargha", "Embassy", "HQ Kabul"]),
    "lashkargah": (10, ["Lashkar Gah", "Lashkargah", "Lashkar-e Gah", "Lashkar Ghar", "LKG"],
                   ["PRT {p}", "{p} PRT", "TF Helmand", "Task Force Helmand", "MSSG"],
                   ["PRT Helmand", "Task force Helmand", "Lashkargah base"]),
    "bastion": (8, ["Camp Bastion", "Bastion", "Helmand", "Shorabak"],
                ["{p}", "JOB {p}", "TFH {p}", "Bastion Role 3"],
                ["Camp Bastion", "Bastion", "Shorabak camp"]),
    "kandahar": (9, ["Kandahar", "Qandahar", "Kandhar", "KAF"],
                 ["KAF", "TF {p}", "{p} Airfield", "PRT {p}"],
                 ["Kandahar airfield", "KAF", "Kandahar base"]),
    "mazar": (7, ["Mazar-e Sharif", "Mazar-i-Sharif", "Mazar", "MeS", "Mazar Sharif"],
              ["PRT {p}", "Camp Marmal", "{p} PRT", "RC North"],
              ["Camp Marmal", "PRT Mazar", "Marmal"]),
    "herat": (5, ["Herat", "Hirat", "Herat City"], ["PRT {p}", "Camp Arena", "RC West"],
              ["Camp Arena", "PRT Herat"]),
    "kunduz": (5, ["Kunduz", "Konduz", "Qunduz", "Kundoz"], ["PRT {p}", "{p} PRT", "OMLT {p}"],
               ["PRT Kunduz", "Kunduz camp"]),
    "tarinkot": (6, ["Tarin Kot", "Tarinkot", "Tirin Kot", "Tarin Kowt", "TK"],
                 ["MTF", "Camp Holland", "PRT Uruzgan", "MRTF", "{p} PRT"],
                 ["Camp Holland", "Tarinkot base", "Australian base Uruzgan"]),
    "chaghcharan": (3, ["Chaghcharan", "Chakhcharan", "Chaghcharaan", "Feroz Koh"],
                    ["PRT {p}", "{p} PRT", "PRT Ghor"], ["PRT Ghor", "Chaghcharan base"]),
    "jalalabad": (5, ["Jalalabad", "Jelalabad", "JBAD", "Jalal Abad"],
                  ["PRT Nangarhar", "FOB Fenty", "{p} PRT"], ["Jalalabad base", "FOB Fenty"]),
    "khost": (3, ["Khost", "Khowst", "Khust"], ["FOB Salerno", "PRT {p}"], ["Salerno", "Khost base"]),
    "ghazni": (3, ["Ghazni", "Ghazny", "Ghaznee"], ["PRT {p}", "{p} PRT"], ["PRT Ghazni"]),
    "doabi": (2, ["Do Abi", "Doabi", "Do-Abi", "Du Abi"], ["PB {p}", "FOB {p}", "Patrol Base {p}"],
              ["Do Abi patrol base", "Doabi"]),
    "kahmard": (2, ["Kahmard", "Kamard", "Kahmerd"], ["FOB {p}", "PB {p}"], ["Kahmard base"]),
    "yakawlang": (2, ["Yakawlang", "Yakaolang", "Yakolang", "Yakowlang"], ["PB {p}", "{p} Patrol Base", "NZPRT {p}"],
                  ["Yakawlang"]),
}
