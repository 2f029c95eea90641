import type { Category, Model } from './catalogue.ts'

/** Part kinds the demo parts department stocks, which vehicles they apply to, and aftermarket lines. */
export interface PartKind {
  key: string
  desc: string
  category: string
  cats: Category[]
  price: [number, number]
  applies?: (m: Model) => boolean
  /** Split long model runs into two part generations (the older part superseded by the newer). */
  generations?: boolean
  aftermarket?: Array<{ brand: string; prefix: string; digits: number; price: [number, number] }>
}

const all: Category[] = ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile', 'watercraft']
const offroad4: Category[] = ['atv', 'side_by_side']
const bikes: Category[] = ['street', 'dirt']
const small = (m: Model) => /CRF110F|TT-R125/.test(m.model)

export const PART_KINDS: PartKind[] = [
  { key: 'oil-filter', desc: 'Oil Filter', category: 'Maintenance', cats: all, price: [9, 22], applies: (m) => !m.twoStroke && !small(m),
    aftermarket: [{ brand: 'Hiflofiltro', prefix: 'HF', digits: 3, price: [8, 14] }, { brand: 'K&N', prefix: 'KN-', digits: 3, price: [12, 19] }] },
  { key: 'oil-kit', desc: 'Oil Change Kit (oil, filter, drain plug washer)', category: 'Maintenance', cats: all, price: [39, 89], applies: (m) => !m.twoStroke },
  { key: 'air-filter', desc: 'Air Filter Element', category: 'Maintenance', cats: ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile'], price: [18, 65], generations: true,
    aftermarket: [{ brand: 'K&N', prefix: 'PL-', digits: 4, price: [55, 89] }, { brand: 'Twin Air', prefix: '15', digits: 4, price: [24, 42] }] },
  { key: 'spark-plug', desc: 'Spark Plug', category: 'Ignition', cats: all, price: [6, 18],
    aftermarket: [{ brand: 'NGK', prefix: '', digits: 4, price: [7, 16] }] },
  { key: 'drive-belt', desc: 'CVT Drive Belt', category: 'Drivetrain', cats: ['atv', 'side_by_side', 'snowmobile'], price: [110, 260], generations: true,
    aftermarket: [{ brand: 'Gates', prefix: '', digits: 0, price: [99, 199] }, { brand: 'Dayco', prefix: 'XTX', digits: 4, price: [109, 219] }] },
  { key: 'front-pads', desc: 'Front Brake Pad Set (Sintered)', category: 'Brakes', cats: ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile'], price: [35, 80],
    aftermarket: [{ brand: 'EBC', prefix: 'FA', digits: 3, price: [32, 58] }] },
  { key: 'rear-pads', desc: 'Rear Brake Pad Set', category: 'Brakes', cats: ['street', 'dirt', 'atv', 'side_by_side'], price: [30, 75],
    aftermarket: [{ brand: 'EBC', prefix: 'FA', digits: 3, price: [29, 52] }] },
  { key: 'battery', desc: 'Battery, Sealed AGM', category: 'Electrical', cats: all, price: [70, 190], applies: (m) => !small(m),
    aftermarket: [{ brand: 'Yuasa', prefix: 'YTX', digits: 2, price: [69, 169] }] },
  { key: 'chain-kit', desc: 'Chain and Sprocket Kit', category: 'Drivetrain', cats: bikes, price: [140, 320], applies: (m) => m.drive === 'chain',
    aftermarket: [{ brand: 'D.I.D', prefix: 'DK', digits: 4, price: [129, 279] }] },
  { key: 'front-tire', desc: 'Front Tire', category: 'Tires', cats: ['street', 'dirt', 'atv', 'side_by_side'], price: [80, 260],
    aftermarket: [{ brand: 'Maxxis', prefix: 'TM', digits: 5, price: [89, 239] }, { brand: 'Dunlop', prefix: '45', digits: 6, price: [95, 259] }] },
  { key: 'rear-tire', desc: 'Rear Tire', category: 'Tires', cats: ['street', 'dirt', 'atv', 'side_by_side'], price: [90, 300],
    aftermarket: [{ brand: 'Maxxis', prefix: 'TM', digits: 5, price: [99, 269] }, { brand: 'Dunlop', prefix: '45', digits: 6, price: [105, 289] }] },
  { key: 'coolant', desc: 'Coolant, Premixed 50/50 (1 gal)', category: 'Fluids', cats: ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile'], price: [14, 30], applies: (m) => !small(m) },
  { key: 'fuel-filter', desc: 'Fuel Filter', category: 'Fuel', cats: ['atv', 'side_by_side', 'snowmobile', 'watercraft'], price: [25, 60] },
  { key: 'wheel-bearing', desc: 'Front Wheel Bearing Kit', category: 'Suspension', cats: ['street', 'dirt', 'atv', 'side_by_side'], price: [30, 70] },
  { key: 'cv-boot', desc: 'CV Boot Kit', category: 'Drivetrain', cats: offroad4, price: [25, 60] },
  { key: 'tie-rod', desc: 'Tie Rod End', category: 'Steering', cats: offroad4, price: [35, 90] },
  { key: 'ball-joint', desc: 'Lower Ball Joint', category: 'Suspension', cats: offroad4, price: [40, 95] },
  { key: 'clutch-lever', desc: 'Clutch Lever', category: 'Controls', cats: bikes, price: [25, 60] },
  { key: 'brake-lever', desc: 'Front Brake Lever', category: 'Controls', cats: bikes, price: [25, 60] },
  { key: 'carbides', desc: 'Carbide Runners (pair)', category: 'Chassis', cats: ['snowmobile'], price: [70, 140],
    aftermarket: [{ brand: "Woody's", prefix: 'ATS4-', digits: 4, price: [69, 129] }] },
  { key: 'hyfax', desc: 'Hyfax Slide Set', category: 'Chassis', cats: ['snowmobile'], price: [55, 110] },
  { key: 'track-clips', desc: 'Track Clip Kit (20)', category: 'Chassis', cats: ['snowmobile'], price: [20, 45] },
  { key: 'idler', desc: 'Idler Wheel with Bearing', category: 'Chassis', cats: ['snowmobile'], price: [30, 70] },
  { key: 'impeller', desc: 'Impeller', category: 'Jet Pump', cats: ['watercraft'], price: [250, 650],
    aftermarket: [{ brand: 'Solas', prefix: 'SR-CD-', digits: 2, price: [229, 549] }] },
  { key: 'wear-ring', desc: 'Pump Wear Ring', category: 'Jet Pump', cats: ['watercraft'], price: [120, 260],
    aftermarket: [{ brand: 'WSM', prefix: '003-', digits: 3, price: [89, 199] }] },
  { key: 'spark-arrestor', desc: 'Spark Arrestor Screen', category: 'Exhaust', cats: ['dirt', 'atv', 'side_by_side'], price: [45, 110] },
  { key: 'thermostat', desc: 'Thermostat', category: 'Cooling', cats: ['street', 'atv', 'side_by_side', 'snowmobile'], price: [25, 60] },
  { key: 'skid-plate', desc: 'Full Skid Plate', category: 'Accessories', cats: offroad4, price: [120, 450] },
  { key: 'windshield', desc: 'Touring Windshield', category: 'Accessories', cats: ['street'], price: [150, 380] },
  { key: 'starter-relay', desc: 'Starter Relay', category: 'Electrical', cats: ['street', 'atv', 'side_by_side', 'snowmobile', 'watercraft'], price: [25, 70] },
  { key: 'diff-fluid', desc: 'Front Differential Fluid (1 qt)', category: 'Fluids', cats: offroad4, price: [12, 25] },
  { key: 'winch', desc: 'Winch Kit 3,500 lb with Mount', category: 'Accessories', cats: offroad4, price: [350, 800] },
  { key: 'fuel-pump', desc: 'Fuel Pump Assembly', category: 'Fuel', cats: ['street', 'atv', 'side_by_side', 'snowmobile', 'watercraft'], price: [180, 450], applies: (m) => !m.twoStroke || m.category === 'snowmobile' },
  { key: 'gasket-kit', desc: 'Top End Gasket Kit', category: 'Engine', cats: all, price: [45, 140] },
  { key: 'water-pump', desc: 'Water Pump Rebuild Kit', category: 'Cooling', cats: ['street', 'dirt', 'atv', 'side_by_side', 'snowmobile'], price: [40, 120], applies: (m) => !small(m) },
  { key: 'headlight-bulb', desc: 'Headlight Bulb', category: 'Electrical', cats: ['street', 'atv', 'side_by_side', 'snowmobile'], price: [12, 45] },
  { key: 'grips', desc: 'Handlebar Grip Set', category: 'Controls', cats: ['street', 'dirt', 'atv', 'snowmobile'], price: [18, 55] },
  { key: 'cover', desc: 'Storage Cover', category: 'Accessories', cats: all, price: [120, 350] },
  { key: 'dess-key', desc: 'D.E.S.S. Key (programmable)', category: 'Electrical', cats: all, price: [60, 110], applies: (m) => ['Can-Am', 'Sea-Doo', 'Ski-Doo'].includes(m.make) },
]
