/**
 * Recall campaigns for the demo. Campaign and agency numbers, defects and remedies are invented for the demo
 * and do not describe real campaigns. VIN ranges are built by the generator from the catalogue's VIN scheme.
 */
export interface RecallSpec {
  campaignId: string
  agencyId: string
  make: string
  model: string
  years: [number, number]
  /** Serial (last six VIN characters) range per model year; none for hull-numbered watercraft. */
  serials?: [number, number]
  effective: string
  title: string
  risk: string
  remedy: string
  symptoms: string
}

export const RECALLS: RecallSpec[] = [
  {
    campaignId: 'R24-07', agencyId: '24-118', make: 'Polaris', model: 'RZR XP 1000', years: [2023, 2024], serials: [110000, 139999], effective: '2024-06-12',
    title: 'fuel tank vent line may contact the exhaust',
    risk: 'The fuel tank vent line can shift against the exhaust head pipe, melt, and let fuel vapour reach hot surfaces, creating a fire hazard.',
    remedy: 'Dealer installs a revised vent line clip and heat shield and reroutes the vent line. About 45 minutes, free of charge.',
    symptoms: 'A fuel smell after riding, or a vent line that touches or sits within an inch of the exhaust pipe.',
  },
  {
    campaignId: 'C24-02', agencyId: '24-201', make: 'Can-Am', model: 'Maverick X3', years: [2022, 2024], serials: [120000, 164999], effective: '2024-09-03',
    title: 'rear trailing arm mounting bolts may loosen',
    risk: 'The bolts that attach the rear trailing arms to the frame can lose torque; a loose arm can affect steering and cause a crash.',
    remedy: 'Dealer replaces the trailing arm bolts with revised bolts and thread locker and torques them to specification. About 1.5 hours, free of charge.',
    symptoms: 'A clunk from the rear over bumps, rear wheels that wander, or visible movement at the trailing arm pivot.',
  },
  {
    campaignId: 'H23-05', agencyId: '23-176', make: 'Honda', model: 'Talon 1000R', years: [2021, 2023], serials: [100000, 149999], effective: '2023-05-22',
    title: 'fuel pump may fail and stall the engine',
    risk: 'An internal fuel pump component can wear prematurely. The engine can stall without warning, increasing the risk of a crash.',
    remedy: 'Dealer replaces the fuel pump assembly. About 1 hour, free of charge.',
    symptoms: 'Hard starting, hesitation under load, or the engine dying and restarting after a few minutes.',
  },
  {
    campaignId: 'Y22-11', agencyId: '22-240', make: 'Yamaha', model: 'Grizzly EPS', years: [2022, 2023], serials: [130000, 169999], effective: '2022-12-01',
    title: 'throttle may not return to idle in freezing temperatures',
    risk: 'Water can enter the throttle cable housing and freeze, keeping the throttle open after the rider releases the lever.',
    remedy: 'Dealer installs a sealed throttle cable and a revised thumb-throttle housing boot. About 40 minutes, free of charge.',
    symptoms: 'A thumb throttle that feels stiff or slow to return, especially after washing or riding in slush.',
  },
  {
    campaignId: 'A22-09', agencyId: '22-155', make: 'Polaris', model: 'Sportsman 570', years: [2021, 2022], serials: [100000, 124999], effective: '2022-08-15',
    title: 'front brake caliper mounting bolts may loosen',
    risk: 'Front brake caliper bolts can back out; a loose caliper reduces braking and can cause a crash.',
    remedy: 'Dealer replaces the caliper bolts with pre-coated bolts and torques them to specification. About 30 minutes, free of charge.',
    symptoms: 'A rattle or clicking from a front wheel, a soft brake lever, or uneven braking.',
  },
  {
    campaignId: 'S23-14', agencyId: '23-089', make: 'Ski-Doo', model: 'MXZ X-RS 850 E-TEC', years: [2023, 2023], serials: [100000, 119999], effective: '2023-02-10',
    title: 'front brake hose may rub through',
    risk: 'The brake hose can rub against the steering column and wear through, causing a loss of braking.',
    remedy: 'Dealer inspects the hose, replaces it if worn, and installs a routing clip. About 45 minutes, free of charge.',
    symptoms: 'Brake fluid on the steering column, a brake lever that pulls to the bar, or a shiny worn spot on the hose.',
  },
  {
    campaignId: 'K21-03', agencyId: '21-077', make: 'Kawasaki', model: 'Teryx KRX 1000', years: [2020, 2021], serials: [100000, 139999], effective: '2021-04-19',
    title: 'seat belt buckle may not latch fully',
    risk: 'A seat belt can appear latched but release under load, increasing the risk of injury in a rollover.',
    remedy: 'Dealer replaces both front seat belt buckle assemblies. About 1 hour, free of charge.',
    symptoms: 'A buckle that does not click, or a belt that pulls out of the buckle with a firm tug.',
  },
  {
    campaignId: 'H21-02', agencyId: '21V-311', make: 'Honda', model: 'Rebel 500', years: [2020, 2021], serials: [100000, 129999], effective: '2021-05-03',
    title: 'rear brake master cylinder may leak',
    risk: 'A seal in the rear brake master cylinder can leak, reducing rear braking and increasing the risk of a crash.',
    remedy: 'Dealer replaces the rear brake master cylinder. About 1 hour, free of charge.',
    symptoms: 'A rear brake pedal that sinks, fluid around the master cylinder, or a low reservoir level.',
  },
  {
    campaignId: 'D24-06', agencyId: '24-133', make: 'Sea-Doo', model: 'Spark', years: [2022, 2024], effective: '2024-05-06',
    title: 'fuel tank vent hose may detach',
    risk: 'The fuel tank vent hose can slip off its fitting, letting fuel leak into the hull, a fire hazard.',
    remedy: 'Dealer installs a clamp on the vent hose fitting and inspects the engine compartment. About 30 minutes, free of charge.',
    symptoms: 'A fuel smell in the engine compartment or fuel in the hull after a ride.',
  },
]
