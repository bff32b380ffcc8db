"""Word lists for the French demo data set (no Faker: it is not a runtime dependency).

Phone prefixes are the real area codes of each city ("+33 4 78" for Lyon); the generators in
crm.demo.core only draw digits that libphonenumber accepts for these prefixes.
"""

# fmt: off
MALE_FIRST_NAMES = (
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Stéphane", "Laurent",
    "Frédéric", "Olivier", "Éric", "David", "Sébastien", "Thierry", "Julien", "Vincent", "Pascal",
    "Patrick", "Guillaume", "Thomas", "Antoine", "Maxime", "Alexandre", "François", "Romain", "Mathieu",
    "Jérôme", "Benoît", "Hugo", "Lucas", "Louis", "Arnaud", "Cédric", "Bruno", "Didier", "Yves", "Marc",
    "Emmanuel", "Xavier", "Damien", "Fabrice", "Gilles", "Hervé", "Jacques", "Loïc", "Quentin", "Raphaël",
    "Yann", "Gaël",
)

FEMALE_FIRST_NAMES = (
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christine", "Céline",
    "Stéphanie", "Véronique", "Sophie", "Claire", "Camille", "Julie", "Aurélie", "Émilie", "Caroline",
    "Laurence", "Anne", "Hélène", "Florence", "Virginie", "Delphine", "Audrey", "Élodie", "Pauline", "Laura",
    "Manon", "Léa", "Chloé", "Sarah", "Mathilde", "Agnès", "Brigitte", "Corinne", "Martine", "Patricia",
    "Karine", "Marion", "Charlotte", "Juliette", "Margaux", "Anaïs", "Océane", "Justine", "Lucie", "Inès",
    "Françoise", "Gaëlle",
)

LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
    "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
    "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier",
    "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
    "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Bourgeois",
    "Rey", "Leclerc", "Rolland", "Lecomte", "Lopez", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier",
    "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein",
    "Jacquet", "Adam", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Renault", "Charpentier", "Ménard",
    "Maillard", "Baron", "Bertin", "Bailly", "Schneider", "Le Gall", "Collet", "Léger", "Bouvier",
    "Prévost", "Millet", "Perrot", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois",
    "Pelletier", "Lévêque", "Leblanc", "Lebrun", "Weber", "Hamon", "Boulanger", "Monnier", "Michaud",
    "Tessier", "Chauvin", "Da Silva", "Humbert", "Reynaud", "Perret", "Barthélemy", "Cordier", "Lejeune",
    "Delaunay", "Pasquier", "Laporte", "Le Goff",
)

# Activity words used to name companies, by industry sector (names from migration 0002).
SECTOR_WORDS = {
    "Agroalimentaire": ("Conserverie", "Fromagerie", "Biscuiterie", "Laiterie", "Salaisons", "Minoterie",
                        "Brasserie", "Chocolaterie"),
    "Banque / Assurance": ("Assurances", "Courtage", "Patrimoine", "Finance", "Prévoyance"),
    "BTP / Matériaux de construction": ("Bâtiment", "Maçonnerie", "Travaux Publics", "Charpente",
                                        "Couverture", "Béton", "Menuiserie", "Terrassement"),
    "Chimie / Parachimie": ("Chimie", "Peintures", "Résines", "Détergents", "Cosmétiques"),
    "Commerce / Négoce / Distribution": ("Négoce", "Distribution", "Fournitures", "Import-Export",
                                         "Comptoir", "Équipements"),
    "Édition / Communication / Multimédia": ("Éditions", "Communication", "Imprimerie", "Studio", "Médias"),
    "Électronique / Électricité": ("Électricité", "Électronique", "Automatismes", "Câblage", "Éclairage"),
    "Études et conseils": ("Conseil", "Études", "Ingénierie", "Audit", "Expertise"),
    "Industrie pharmaceutique": ("Laboratoires", "Pharma", "Biotech", "Santé"),
    "Informatique / Télécoms": ("Informatique", "Logiciels", "Réseaux", "Systèmes", "Télécom", "Data"),
    "Machines et équipements / Automobile": ("Mécanique", "Machines", "Automobiles", "Hydraulique",
                                             "Outillage"),
    "Métallurgie / Travail du métal": ("Métallerie", "Fonderie", "Chaudronnerie", "Tôlerie", "Décolletage",
                                       "Forges"),
    "Services aux entreprises": ("Services", "Propreté", "Sécurité", "Intérim", "Gestion"),
    "Textile / Habillement / Chaussure": ("Textile", "Confection", "Tissages", "Chaussures", "Maroquinerie",
                                          "Filature"),
    "Transports / Logistique": ("Transports", "Logistique", "Fret", "Messagerie", "Déménagements",
                                "Entrepôts"),
}
GENERIC_WORDS = ("Services", "Industrie", "Distribution", "Conseil", "Équipements")

REGIONS = (
    "de Bretagne", "de Normandie", "du Nord", "de l'Est", "du Sud-Ouest", "d'Auvergne", "des Alpes",
    "de Provence", "d'Alsace", "de Lorraine", "du Val de Loire", "de Picardie", "des Pyrénées",
    "du Languedoc", "de Champagne", "du Rhône", "Atlantique", "de l'Ouest",
)
SUBSIDIARY_SUFFIXES = (
    "Nord", "Sud", "Est", "Ouest", "Île-de-France", "Bretagne", "Rhône-Alpes", "Aquitaine", "Services",
    "Distribution", "International",
)

# (city, postcodes, phone prefixes "Z AB" as national digits, weight). The first digit of a prefix
# is the French phone zone: 1 Île-de-France, 2 north-west, 3 north-east, 4 south-east, 5 south-west.
CITIES = (
    ("Paris", tuple(f"750{n:02d}" for n in range(1, 21)),
     ("140", "142", "143", "144", "145", "146", "147", "148", "153", "155", "156"), 12),
    ("Boulogne-Billancourt", ("92100",), ("146", "141"), 2),
    ("Nanterre", ("92000",), ("147",), 1),
    ("Saint-Denis", ("93200",), ("148", "149"), 1),
    ("Montreuil", ("93100",), ("148",), 1),
    ("Créteil", ("94000",), ("143", "145"), 1),
    ("Versailles", ("78000",), ("139",), 1),
    ("Cergy", ("95000",), ("134",), 1),
    ("Évry-Courcouronnes", ("91000",), ("160", "164"), 1),
    ("Massy", ("91300",), ("169",), 1),
    ("Courbevoie", ("92400",), ("147",), 1),
    ("Rouen", ("76000", "76100"), ("235",), 2),
    ("Le Havre", ("76600",), ("235",), 1),
    ("Caen", ("14000",), ("231",), 2),
    ("Rennes", ("35000", "35200", "35700"), ("299",), 3),
    ("Nantes", ("44000", "44100", "44200", "44300"), ("240",), 3),
    ("Brest", ("29200",), ("298",), 1),
    ("Quimper", ("29000",), ("298",), 1),
    ("Lorient", ("56100",), ("297",), 1),
    ("Vannes", ("56000",), ("297",), 1),
    ("Angers", ("49000", "49100"), ("241",), 2),
    ("Le Mans", ("72000", "72100"), ("243",), 2),
    ("Laval", ("53000",), ("243",), 1),
    ("Tours", ("37000", "37100"), ("247",), 2),
    ("Orléans", ("45000", "45100"), ("238",), 2),
    ("Chartres", ("28000",), ("237",), 1),
    ("Blois", ("41000",), ("254",), 1),
    ("Bourges", ("18000",), ("248",), 1),
    ("Cherbourg-en-Cotentin", ("50100",), ("233",), 1),
    ("Alençon", ("61000",), ("233",), 1),
    ("Lille", ("59000", "59800"), ("320",), 4),
    ("Roubaix", ("59100",), ("320",), 1),
    ("Tourcoing", ("59200",), ("320",), 1),
    ("Villeneuve-d'Ascq", ("59650",), ("320",), 1),
    ("Valenciennes", ("59300",), ("327",), 1),
    ("Dunkerque", ("59140",), ("328",), 1),
    ("Arras", ("62000",), ("321",), 1),
    ("Calais", ("62100",), ("321",), 1),
    ("Amiens", ("80000", "80080"), ("322",), 2),
    ("Reims", ("51100",), ("326",), 2),
    ("Troyes", ("10000",), ("325",), 1),
    ("Charleville-Mézières", ("08000",), ("324",), 1),
    ("Metz", ("57000", "57050"), ("387",), 2),
    ("Nancy", ("54000", "54100"), ("383",), 2),
    ("Épinal", ("88000",), ("329",), 1),
    ("Strasbourg", ("67000", "67100", "67200"), ("388",), 3),
    ("Colmar", ("68000",), ("389",), 1),
    ("Mulhouse", ("68100", "68200"), ("389",), 2),
    ("Dijon", ("21000",), ("380",), 2),
    ("Besançon", ("25000",), ("381",), 2),
    ("Lyon", tuple(f"6900{n}" for n in range(1, 10)), ("478", "472"), 7),
    ("Villeurbanne", ("69100",), ("478", "472"), 2),
    ("Saint-Étienne", ("42000", "42100"), ("477",), 2),
    ("Grenoble", ("38000", "38100"), ("476",), 3),
    ("Annecy", ("74000",), ("450",), 2),
    ("Chambéry", ("73000",), ("479",), 1),
    ("Valence", ("26000",), ("475",), 1),
    ("Clermont-Ferrand", ("63000", "63100"), ("473",), 2),
    ("Marseille", tuple(f"130{n:02d}" for n in range(1, 17)), ("491",), 6),
    ("Aix-en-Provence", ("13090", "13100"), ("442",), 2),
    ("Toulon", ("83000", "83100"), ("494",), 2),
    ("Nice", ("06000", "06100", "06200", "06300"), ("493", "492"), 3),
    ("Cannes", ("06400",), ("493",), 1),
    ("Avignon", ("84000",), ("490",), 1),
    ("Nîmes", ("30000", "30900"), ("466",), 1),
    ("Montpellier", ("34000", "34070", "34080"), ("467",), 3),
    ("Perpignan", ("66000", "66100"), ("468",), 1),
    ("Ajaccio", ("20000",), ("495",), 1),
    ("Bordeaux", ("33000", "33100", "33200", "33300", "33800"), ("556", "557"), 5),
    ("Mérignac", ("33700",), ("556",), 1),
    ("Toulouse", ("31000", "31100", "31200", "31300", "31400", "31500"), ("561", "562", "534"), 5),
    ("Montauban", ("82000",), ("563",), 1),
    ("Albi", ("81000",), ("563",), 1),
    ("Pau", ("64000",), ("559",), 1),
    ("Bayonne", ("64100",), ("559",), 1),
    ("Tarbes", ("65000",), ("562",), 1),
    ("Agen", ("47000",), ("553",), 1),
    ("Périgueux", ("24000",), ("553",), 1),
    ("Limoges", ("87000", "87100"), ("555",), 2),
    ("Brive-la-Gaillarde", ("19100",), ("555",), 1),
    ("Poitiers", ("86000",), ("549",), 2),
    ("Niort", ("79000",), ("549",), 1),
    ("La Rochelle", ("17000",), ("546",), 1),
    ("Angoulême", ("16000",), ("545",), 1),
)

# Second digit after 06 / 07 of valid French mobile numbers (libphonenumber: 6[0-24-8], 7[3-9]).
MOBILE_PREFIXES = ("60", "61", "62", "64", "65", "66", "67", "68", "76", "77", "78")

STREET_TYPES = ("rue", "rue", "rue", "rue", "avenue", "avenue", "boulevard", "allée", "chemin", "impasse",
                "place", "quai", "route")
STREET_NAMES = (
    "de la République", "Jean Jaurès", "Victor Hugo", "du Général de Gaulle", "Pasteur", "Gambetta",
    "Jean Moulin", "de la Gare", "du Moulin", "des Lilas", "de l'Industrie", "des Artisans", "du Commerce",
    "de la Liberté", "Voltaire", "Émile Zola", "Carnot", "du Maréchal Foch", "de Verdun", "du 8 Mai 1945",
    "du 11 Novembre 1918", "Georges Clemenceau", "Anatole France", "de la Mairie", "des Écoles", "du Stade",
    "de l'Église", "des Tilleuls", "des Peupliers", "du Château", "de Paris", "Nationale", "des Forges",
    "de l'Europe", "Marcel Pagnol", "Jules Ferry", "Paul Bert", "Édouard Herriot", "Pierre et Marie Curie",
    "Antoine de Saint-Exupéry", "Denis Papin", "Gustave Eiffel", "Ampère", "Lavoisier", "des Frères Lumière",
)
ADDRESS_COMPLEMENTS = (
    "Bâtiment A", "Bâtiment B", "Bâtiment C", "ZI des Bruyères", "ZA du Moulin",
    "Parc d'activités de la Vallée", "ZAC des Portes", "Immeuble Le Central", "3e étage",
    "Zone industrielle Nord", "Parc technologique", "Espace Entreprises",
)

NOTES = (
    "Rencontré au salon Industrie Lyon.",
    "Client historique, paiement à 45 jours fin de mois.",
    "Appel d'offres annuel en septembre : préparer le dossier en juin.",
    "Préfère être contacté par e-mail.",
    "Standard fermé le vendredi après-midi.",
    "Centrale d'achats : toutes les commandes passent par le siège.",
    "Projet de déménagement de l'entrepôt l'an prochain.",
    "Demande un devis détaillé avant chaque commande.",
)

TP_EMAIL_BOXES = ("contact", "contact", "accueil", "info", "commercial", "secretariat")

# (function, department, role) by name in the reference data of migration 0002; missing or renamed
# entries are left empty.
BOSS_POSITION = ("Dirigeant", "Direction générale", "Décideur")
POSITIONS = (
    ("Directeur commercial", "Commercial", "Décideur"),
    ("Responsable achats", "Achats", "Prescripteur"),
    ("Responsable achats", "Achats", "Décideur"),
    ("Directeur financier", "Finance", "Décideur"),
    ("DSI", "Informatique", "Prescripteur"),
    ("Assistant(e)", "Direction générale", "Utilisateur"),
    ("Assistant(e)", "Commercial", "Utilisateur"),
    ("Assistant(e)", "Finance", "Comptabilité fournisseurs"),
    (None, "Production", "Utilisateur"),
    (None, "Marketing", "Prescripteur"),
)

# Legal form name → (weight, possible company sizes).
LEGAL_FORMS = {
    "SAS": (35, ("small", "small", "medium", "medium", "intermediate", "large")),
    "SARL": (30, ("micro", "micro", "small", "small", "medium")),
    "SA": (9, ("medium", "intermediate", "intermediate", "large")),
    "SASU": (8, ("micro", "micro", "small")),
    "EURL": (7, ("micro",)),
    "EI": (4, ("micro",)),
    "SNC": (2, ("micro", "small")),
    "SCI": (1, ("micro",)),
    "Association": (2, ("micro", "small")),
}
# fmt: on
