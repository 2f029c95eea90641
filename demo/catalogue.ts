/**
 * Model catalogue for the demo dealership's generated DMS export. Makes, models, trims and years are real;
 * prices are plausible list prices; VIN prefixes (WMI + descriptor) are invented in the manufacturers' styles.
 */
export type Category = 'street' | 'dirt' | 'atv' | 'side_by_side' | 'snowmobile' | 'watercraft'

export interface Model {
  make: string
  model: string
  category: Category
  years: [number, number]
  trims: Array<[string, number]>
  /** VIN: world manufacturer id (3) + descriptor (5) + plant (1); watercraft use a hull id with `hin` as its maker code. */
  wmi?: string
  vds?: string
  plant?: string
  hin?: string
  colors: string[]
  /** Two-stroke engines take no oil filter. */
  twoStroke?: boolean
  /** Final drive for street bikes (chain kits only fit chain drive). */
  drive?: 'chain' | 'belt' | 'shaft'
  share: number
}

export const CATALOGUE: Model[] = [
  // street
  { make: 'Honda', model: 'Rebel 500', category: 'street', years: [2020, 2025], trims: [['', 6899], ['ABS SE', 7499]], wmi: 'JH2', vds: 'PC680', plant: 'K', colors: ['Matte Black Metallic', 'Pearl Organic Green'], drive: 'chain', share: 3 },
  { make: 'Honda', model: 'CBR650R', category: 'street', years: [2021, 2025], trims: [['', 9899], ['E-Clutch', 10299]], wmi: 'JH2', vds: 'RH021', plant: 'K', colors: ['Grand Prix Red', 'Matte Black Metallic'], drive: 'chain', share: 2 },
  { make: 'Honda', model: 'Africa Twin', category: 'street', years: [2021, 2025], trims: [['', 14999], ['Adventure Sports ES DCT', 18999]], wmi: 'JH2', vds: 'SD100', plant: 'K', colors: ['Grand Prix Red', 'Pearl Glare White Tricolor'], drive: 'chain', share: 2 },
  { make: 'Honda', model: 'Gold Wing Tour', category: 'street', years: [2021, 2025], trims: [['', 28800], ['Airbag DCT', 32500]], wmi: 'JH2', vds: 'SC790', plant: 'K', colors: ['Pearl Glare White', 'Bordeaux Red Metallic'], drive: 'shaft', share: 1 },
  { make: 'Yamaha', model: 'MT-07', category: 'street', years: [2021, 2025], trims: [['', 8599]], wmi: 'JYA', vds: 'RM33E', plant: 'A', colors: ['Team Yamaha Blue', 'Matte Stealth Black'], drive: 'chain', share: 3 },
  { make: 'Yamaha', model: 'YZF-R7', category: 'street', years: [2022, 2025], trims: [['', 9199]], wmi: 'JYA', vds: 'RM39E', plant: 'A', colors: ['Team Yamaha Blue', 'Performance Black'], drive: 'chain', share: 2 },
  { make: 'Yamaha', model: 'Tenere 700', category: 'street', years: [2021, 2025], trims: [['', 10799], ['Rally Edition', 11999]], wmi: 'JYA', vds: 'DM150', plant: 'A', colors: ['Matte Black', 'Team Yamaha Blue/White'], drive: 'chain', share: 2 },
  { make: 'Kawasaki', model: 'Ninja 400', category: 'street', years: [2019, 2024], trims: [['', 5299], ['ABS KRT Edition', 5899]], wmi: 'JKA', vds: 'EX400', plant: 'A', colors: ['Lime Green/Ebony', 'Metallic Spark Black'], drive: 'chain', share: 3 },
  { make: 'Kawasaki', model: 'Z900', category: 'street', years: [2020, 2025], trims: [['', 9399], ['SE', 11299]], wmi: 'JKA', vds: 'ZR900', plant: 'A', colors: ['Metallic Matte Graphenesteel Gray', 'Candy Lime Green'], drive: 'chain', share: 2 },
  { make: 'Kawasaki', model: 'KLR650', category: 'street', years: [2022, 2025], trims: [['', 6899], ['Adventure', 7999]], wmi: 'JKA', vds: 'KLE65', plant: 'A', colors: ['Cypher Camo Gray', 'Pearl Sand Khaki'], drive: 'chain', share: 2 },
  { make: 'Suzuki', model: 'V-Strom 650XT', category: 'street', years: [2019, 2024], trims: [['', 9699]], wmi: 'JS1', vds: 'VP56A', plant: '2', colors: ['Champion Yellow', 'Glass Sparkle Black'], drive: 'chain', share: 2 },
  { make: 'Suzuki', model: 'SV650', category: 'street', years: [2019, 2025], trims: [['', 7699], ['ABS', 8199]], wmi: 'JS1', vds: 'VP55A', plant: '2', colors: ['Pearl Glacier White', 'Glass Sparkle Black'], drive: 'chain', share: 2 },
  { make: 'Harley-Davidson', model: 'Street Glide', category: 'street', years: [2021, 2025], trims: [['', 27999], ['Special', 30999]], wmi: '1HD', vds: '1KBC1', plant: 'B', colors: ['Vivid Black', 'Billiard Gray'], drive: 'belt', share: 2 },
  { make: 'Harley-Davidson', model: 'Sportster S', category: 'street', years: [2022, 2025], trims: [['', 16499]], wmi: '1HD', vds: '1ZK23', plant: 'B', colors: ['Vivid Black', 'Mineral Green Metallic'], drive: 'belt', share: 1 },
  { make: 'Indian', model: 'Scout Bobber', category: 'street', years: [2021, 2025], trims: [['', 12999], ['Limited', 13999]], wmi: '56K', vds: 'MTA00', plant: '3', colors: ['Black Metallic', 'Stealth Gray'], drive: 'belt', share: 2 },
  { make: 'Triumph', model: 'Street Triple RS', category: 'street', years: [2023, 2025], trims: [['', 13895]], wmi: 'SMT', vds: 'A9018', plant: 'T', colors: ['Silver Ice', 'Cosmic Yellow'], drive: 'chain', share: 1 },
  { make: 'BMW', model: 'R 1250 GS', category: 'street', years: [2021, 2024], trims: [['', 18645], ['Adventure', 20845]], wmi: 'WB1', vds: '0J190', plant: 'Z', colors: ['Triple Black', 'Light White'], drive: 'shaft', share: 1 },
  // dirt
  { make: 'Honda', model: 'CRF250R', category: 'dirt', years: [2022, 2025], trims: [['', 8199]], wmi: 'JH2', vds: 'ME110', plant: 'K', colors: ['Extreme Red'], drive: 'chain', share: 3 },
  { make: 'Honda', model: 'CRF450R', category: 'dirt', years: [2021, 2025], trims: [['', 9599], ['50th Anniversary', 10299]], wmi: 'JH2', vds: 'PE073', plant: 'K', colors: ['Extreme Red'], drive: 'chain', share: 3 },
  { make: 'Honda', model: 'CRF110F', category: 'dirt', years: [2019, 2025], trims: [['', 2799]], wmi: 'JH2', vds: 'JE030', plant: 'T', colors: ['Extreme Red'], drive: 'chain', share: 2 },
  { make: 'Yamaha', model: 'YZ250F', category: 'dirt', years: [2021, 2025], trims: [['', 8799], ['Monster Energy Edition', 8999]], wmi: 'JYA', vds: 'CG41C', plant: 'A', colors: ['Team Yamaha Blue'], drive: 'chain', share: 3 },
  { make: 'Yamaha', model: 'YZ450F', category: 'dirt', years: [2021, 2025], trims: [['', 9899]], wmi: 'JYA', vds: 'CJ32C', plant: 'A', colors: ['Team Yamaha Blue'], drive: 'chain', share: 2 },
  { make: 'Yamaha', model: 'TT-R125LE', category: 'dirt', years: [2019, 2025], trims: [['', 3599]], wmi: 'JYA', vds: 'CE14Y', plant: 'A', colors: ['Team Yamaha Blue'], drive: 'chain', share: 2 },
  { make: 'Kawasaki', model: 'KX450', category: 'dirt', years: [2021, 2025], trims: [['', 9699], ['50th Anniversary', 10099]], wmi: 'JKA', vds: 'KXF45', plant: 'A', colors: ['Lime Green'], drive: 'chain', share: 2 },
  { make: 'Kawasaki', model: 'KX250', category: 'dirt', years: [2021, 2025], trims: [['', 8599]], wmi: 'JKA', vds: 'KXF25', plant: 'A', colors: ['Lime Green'], drive: 'chain', share: 2 },
  { make: 'KTM', model: '300 XC-W', category: 'dirt', years: [2021, 2025], trims: [['', 11399]], wmi: 'VBK', vds: 'XCW30', plant: '3', colors: ['Orange'], twoStroke: true, drive: 'chain', share: 2 },
  { make: 'KTM', model: '500 EXC-F', category: 'dirt', years: [2021, 2025], trims: [['', 12299]], wmi: 'VBK', vds: 'EXC50', plant: '3', colors: ['Orange'], drive: 'chain', share: 1 },
  { make: 'Husqvarna', model: 'FC 350', category: 'dirt', years: [2022, 2025], trims: [['', 10899]], wmi: 'VBK', vds: 'FC350', plant: '3', colors: ['White/Blue'], drive: 'chain', share: 1 },
  { make: 'Suzuki', model: 'RM-Z450', category: 'dirt', years: [2020, 2025], trims: [['', 9149]], wmi: 'JS1', vds: 'RM45B', plant: '2', colors: ['Champion Yellow'], drive: 'chain', share: 1 },
  // ATV
  { make: 'Polaris', model: 'Sportsman 570', category: 'atv', years: [2019, 2025], trims: [['EPS', 8799], ['Premium', 9999], ['Ride Command Edition', 11299]], wmi: '4XA', vds: 'SEE57', plant: 'H', colors: ['Sage Green', 'Polaris Pursuit Camo', 'Onyx Black'], share: 5 },
  { make: 'Polaris', model: 'Sportsman 850', category: 'atv', years: [2019, 2025], trims: [['Premium', 12299], ['Trail Package', 13199], ['Ultimate Trail', 14999]], wmi: '4XA', vds: 'SAE85', plant: 'H', colors: ['Sage Green', 'Ghost Gray'], share: 3 },
  { make: 'Polaris', model: 'Sportsman XP 1000', category: 'atv', years: [2019, 2025], trims: [['Trail', 14799], ['S', 16499]], wmi: '4XA', vds: 'SXE10', plant: 'H', colors: ['Titanium Metallic', 'Sage Green'], share: 2 },
  { make: 'Honda', model: 'FourTrax Rancher 4x4', category: 'atv', years: [2019, 2025], trims: [['', 7499], ['EPS', 8199], ['Automatic DCT IRS EPS', 9099]], wmi: '1HF', vds: 'TE44K', plant: 'A', colors: ['Olive', 'Phantom Camo', 'Red'], share: 4 },
  { make: 'Honda', model: 'FourTrax Foreman Rubicon 4x4', category: 'atv', years: [2019, 2025], trims: [['Automatic DCT EPS', 10199], ['Automatic DCT EPS Deluxe', 10999]], wmi: '1HF', vds: 'TE52F', plant: 'A', colors: ['Honda Phantom Camo', 'Patriot Red'], share: 3 },
  { make: 'Yamaha', model: 'Grizzly EPS', category: 'atv', years: [2019, 2025], trims: [['', 11299], ['SE', 12199], ['XT-R', 12999]], wmi: '5Y4', vds: 'AM04Y', plant: 'A', colors: ['Tactical Black', 'Realtree Edge'], share: 3 },
  { make: 'Yamaha', model: 'Kodiak 700 EPS', category: 'atv', years: [2019, 2025], trims: [['', 9499], ['SE', 10399]], wmi: '5Y4', vds: 'AM06Y', plant: 'A', colors: ['Solid Red', 'Fortress Green'], share: 3 },
  { make: 'Can-Am', model: 'Outlander 700', category: 'atv', years: [2022, 2025], trims: [['DPS', 9799], ['XT', 11199]], wmi: '3JB', vds: 'LGA46', plant: 'J', colors: ['Granite Gray', 'Tundra Green'], share: 3 },
  { make: 'Can-Am', model: 'Outlander 1000R', category: 'atv', years: [2019, 2025], trims: [['XT-P', 17599], ['X mr', 16999]], wmi: '3JB', vds: 'KLR10', plant: 'J', colors: ['Hyper Silver', 'Tundra Green'], share: 2 },
  { make: 'Kawasaki', model: 'Brute Force 750 4x4i EPS', category: 'atv', years: [2019, 2025], trims: [['', 11299], ['Camo', 11599]], wmi: 'RGS', vds: 'KVF75', plant: 'L', colors: ['Metallic Matte Graphite Gray', 'Realtree Xtra Green Camo'], share: 2 },
  { make: 'Suzuki', model: 'KingQuad 750AXi', category: 'atv', years: [2019, 2025], trims: [['Power Steering', 10299], ['Power Steering SE+', 11099]], wmi: '5SA', vds: 'AP48A', plant: 'R', colors: ['Mystic Silver', 'Camo'], share: 2 },
  { make: 'Arctic Cat', model: 'Alterra 600', category: 'atv', years: [2021, 2024], trims: [['', 8799], ['EPS', 9699]], wmi: '4UF', vds: 'AT60E', plant: 'T', colors: ['Green', 'Black'], share: 1 },
  // side-by-side
  { make: 'Polaris', model: 'RZR XP 1000', category: 'side_by_side', years: [2019, 2024], trims: [['Sport', 21999], ['Premium', 24499], ['Ultimate', 26999]], wmi: '3NS', vds: 'RAE99', plant: 'M', colors: ['Ghost Gray', 'Indy Red', 'Polaris Blue'], share: 4 },
  { make: 'Polaris', model: 'RZR Pro R', category: 'side_by_side', years: [2022, 2025], trims: [['Premium', 36999], ['Ultimate', 41499]], wmi: '3NS', vds: 'RPR22', plant: 'M', colors: ['Stealth Gray', 'Lava Red'], share: 2 },
  { make: 'Polaris', model: 'Ranger XP 1000', category: 'side_by_side', years: [2019, 2025], trims: [['Premium', 20899], ['NorthStar Edition Ultimate', 33299]], wmi: '4XA', vds: 'RRE99', plant: 'H', colors: ['Sage Green', 'Polaris Pursuit Camo'], share: 4 },
  { make: 'Polaris', model: 'General XP 1000', category: 'side_by_side', years: [2020, 2025], trims: [['Sport', 22199], ['Ultimate', 27499]], wmi: '3NS', vds: 'GAE99', plant: 'M', colors: ['Onyx Black', 'Matte Titanium'], share: 2 },
  { make: 'Can-Am', model: 'Maverick X3', category: 'side_by_side', years: [2019, 2025], trims: [['DS Turbo', 22999], ['X rs Turbo RR', 31999]], wmi: '3JB', vds: 'VKR3X', plant: 'J', colors: ['Triple Black', 'Can-Am Red'], share: 3 },
  { make: 'Can-Am', model: 'Defender HD10', category: 'side_by_side', years: [2019, 2025], trims: [['DPS', 19599], ['XT', 22099], ['Limited', 32999]], wmi: '3JB', vds: 'UCH10', plant: 'J', colors: ['Compass Green', 'Stone Gray'], share: 3 },
  { make: 'Honda', model: 'Pioneer 1000-5', category: 'side_by_side', years: [2019, 2025], trims: [['Deluxe', 19999], ['Trail', 21299]], wmi: '1HF', vds: 'VE06A', plant: 'A', colors: ['Metallic Silver', 'Honda Phantom Camo'], share: 3 },
  { make: 'Honda', model: 'Talon 1000R', category: 'side_by_side', years: [2019, 2025], trims: [['', 21599], ['FOX Live Valve', 25599]], wmi: '1HF', vds: 'VE07B', plant: 'A', colors: ['Grand Prix Red', 'Pearl White'], share: 2 },
  { make: 'Yamaha', model: 'RMAX4 1000', category: 'side_by_side', years: [2021, 2025], trims: [['XT-R', 25999], ['Limited Edition', 28999]], wmi: '5Y4', vds: 'AN14Y', plant: 'A', colors: ['Tactical Black', 'Armor Gray'], share: 2 },
  { make: 'Yamaha', model: 'Wolverine X2 850', category: 'side_by_side', years: [2021, 2025], trims: [['R-Spec', 16999]], wmi: '5Y4', vds: 'AN16Y', plant: 'A', colors: ['Tactical Black'], share: 1 },
  { make: 'Kawasaki', model: 'Teryx KRX 1000', category: 'side_by_side', years: [2020, 2025], trims: [['', 21299], ['eS', 23599]], wmi: 'JKB', vds: 'KRF10', plant: 'A', colors: ['Metallic Onyx Black', 'Candy Lime Green'], share: 2 },
  { make: 'Kawasaki', model: 'Mule PRO-FXT', category: 'side_by_side', years: [2020, 2025], trims: [['EPS', 15599], ['Ranch Edition', 17399]], wmi: 'RGS', vds: 'KAF82', plant: 'L', colors: ['Timberline Green', 'Aztec Red'], share: 2 },
  { make: 'Arctic Cat', model: 'Prowler Pro', category: 'side_by_side', years: [2021, 2024], trims: [['', 16299], ['XT', 18799]], wmi: '4UF', vds: 'PR10P', plant: 'T', colors: ['Green', 'Black'], share: 1 },
  // snowmobile
  { make: 'Ski-Doo', model: 'MXZ X-RS 850 E-TEC', category: 'snowmobile', years: [2020, 2025], trims: [['', 18899], ['Competition Package', 19799]], wmi: '2BP', vds: 'SEB85', plant: 'V', colors: ['Black/Neo Yellow', 'Scandi Blue'], twoStroke: true, share: 3 },
  { make: 'Ski-Doo', model: 'Summit X 850 E-TEC Turbo R', category: 'snowmobile', years: [2022, 2025], trims: [['165', 22599]], wmi: '2BP', vds: 'SAD23', plant: 'V', colors: ['Black/Tidal Blue'], twoStroke: true, share: 1 },
  { make: 'Ski-Doo', model: 'Renegade Adrenaline 900 ACE', category: 'snowmobile', years: [2021, 2025], trims: [['', 15299]], wmi: '2BP', vds: 'SRE90', plant: 'V', colors: ['Black/Sunburst Yellow'], share: 2 },
  { make: 'Ski-Doo', model: 'Backcountry X-RS 850 E-TEC', category: 'snowmobile', years: [2020, 2025], trims: [['146', 17899], ['154', 18299]], wmi: '2BP', vds: 'SBC85', plant: 'V', colors: ['Black/Orange Crush'], twoStroke: true, share: 2 },
  { make: 'Polaris', model: '850 Switchback Assault 146', category: 'snowmobile', years: [2020, 2025], trims: [['', 16499]], wmi: 'SN1', vds: 'AF8SA', plant: 'R', colors: ['Indy Red', 'Polaris Blue'], twoStroke: true, share: 3 },
  { make: 'Polaris', model: '650 Indy SP 137', category: 'snowmobile', years: [2020, 2025], trims: [['', 12499]], wmi: 'SN1', vds: 'EE6SP', plant: 'R', colors: ['Indy Red'], twoStroke: true, share: 2 },
  { make: 'Polaris', model: '9R RMK Khaos 155', category: 'snowmobile', years: [2023, 2025], trims: [['', 19999]], wmi: 'SN1', vds: 'PK9R5', plant: 'R', colors: ['Black/Lime Squeeze'], twoStroke: true, share: 1 },
  { make: 'Arctic Cat', model: 'Riot 8000', category: 'snowmobile', years: [2021, 2024], trims: [['ES', 15999]], wmi: '4UF', vds: 'SN8RT', plant: 'T', colors: ['Black/Green'], twoStroke: true, share: 2 },
  { make: 'Arctic Cat', model: 'ZR 9000 Thundercat', category: 'snowmobile', years: [2021, 2024], trims: [['', 19599]], wmi: '4UF', vds: 'ZR9TC', plant: 'T', colors: ['Black/Orange'], share: 1 },
  { make: 'Yamaha', model: 'Sidewinder SRX LE', category: 'snowmobile', years: [2021, 2024], trims: [['', 19299]], wmi: 'JYE', vds: 'SW1LE', plant: 'A', colors: ['Team Yamaha Blue'], share: 1 },
  // watercraft (hull identification numbers)
  { make: 'Sea-Doo', model: 'Spark', category: 'watercraft', years: [2020, 2025], trims: [['2-up 90', 7999], ['Trixx 3-up', 10599]], hin: 'YDV', colors: ['Dazzling Blue', 'Vanilla/Vivid Orange'], share: 3 },
  { make: 'Sea-Doo', model: 'GTI SE 170', category: 'watercraft', years: [2020, 2025], trims: [['', 13299]], hin: 'YDV', colors: ['Ice Metal/Manta Green'], share: 2 },
  { make: 'Sea-Doo', model: 'RXP-X 325', category: 'watercraft', years: [2021, 2025], trims: [['', 18999]], hin: 'YDV', colors: ['Triple Black', 'Manta Green'], share: 1 },
  { make: 'Sea-Doo', model: 'Fish Pro Trophy 170', category: 'watercraft', years: [2022, 2025], trims: [['', 17599]], hin: 'YDV', colors: ['Mango/Gulfstream Blue'], share: 1 },
  { make: 'Yamaha', model: 'WaveRunner VX Cruiser HO', category: 'watercraft', years: [2020, 2025], trims: [['', 13999], ['with Audio', 14799]], hin: 'YAM', colors: ['Black/Deepwater Blue'], share: 2 },
  { make: 'Yamaha', model: 'WaveRunner FX Cruiser SVHO', category: 'watercraft', years: [2020, 2025], trims: [['', 19199]], hin: 'YAM', colors: ['Black/Torch Red'], share: 1 },
  { make: 'Yamaha', model: 'WaveRunner EX Deluxe', category: 'watercraft', years: [2020, 2025], trims: [['', 9999]], hin: 'YAM', colors: ['Cyan/Black'], share: 2 },
  { make: 'Kawasaki', model: 'Jet Ski STX 160LX', category: 'watercraft', years: [2021, 2025], trims: [['', 12399]], hin: 'KAW', colors: ['Pearl Robotic White/Metallic Ocean Blue'], share: 1 },
  { make: 'Kawasaki', model: 'Jet Ski Ultra 310LX', category: 'watercraft', years: [2020, 2025], trims: [['', 21599]], hin: 'KAW', colors: ['Metallic Diablo Black'], share: 1 },
]

export const VIN_YEAR: Record<number, string> = {
  2015: 'F', 2016: 'G', 2017: 'H', 2018: 'J', 2019: 'K', 2020: 'L', 2021: 'M', 2022: 'N', 2023: 'P', 2024: 'R', 2025: 'S', 2026: 'T',
}
