import type zhCN from '../zh-CN/supervision.ts';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** English messages of the use-supervision pages; same keys as zh-CN/supervision.ts. */
const en: Widen<typeof zhCN> = {
  menu: { alerts: 'Alerts', alert: 'Alert', places: 'Places', orders: 'Trip orders', drivers: 'Drivers', duty: 'Duty roster', calendar: 'Holiday calendar', rules: 'Rule settings', trips: 'Trips' },
  alerts: {
    rule: 'Rule', severity: 'Severity', span: 'Span', found: 'Found at', late: 'Late data', lateAll: 'All data', lateOnly: 'Late only', lateNone: 'Not late',
    lateTag: 'Late', lateExplained: 'Found on blind-area data the terminal uploaded late, so it was found after it happened', item: 'Item {item}', device: 'Device integrity',
    new: 'New', newAlert: 'New alert', feedOn: 'Live updates on', feedOff: 'Live updates off', backToList: 'Back to the list', factsTitle: 'Facts',
    states: { pending: 'Awaiting explanation', explained: 'Explained', confirmed: 'Confirmed violation', dismissed: 'Dismissed', rectified: 'Rectified' },
    severities: { low: 'Low', medium: 'Medium', high: 'High' },
    units: { hoursMinutes: '{hours} h {minutes} min', minutesSeconds: '{minutes} min {seconds} s' },
    rules: {
      non_official_place: 'Parked at a venue, hotel, restaurant or scenic spot', holiday_use: 'Holiday use without approval', off_hours_parking: 'Rested outside designated parking',
      private_errand: 'Private errand', lending: 'Lent out or borrowed', route_deviation: 'Detour on an official trip', fixed_to_person: 'Fixed to one person',
      long_distance: 'Long-distance trip without reason', custom: 'Other (custom rule)', device_power_cut: 'Main power cut', device_antenna: 'GNSS antenna cut or short',
      device_gnss_fault: 'GNSS module fault', device_displacement: 'Illegal displacement', device_fix_lost: 'No fix with engine on',
      device_jump_after_silence: 'Implausible jump after a silence', device_swap: 'Terminal or SIM swapped', device_never_online: 'Never online after installation', device_offline: 'Offline too long on a working day',
    },
    facts: {
      durationS: 'Duration', fixCount: 'Fixes', spreadM: 'Spread of fixes', minDwellS: 'Dwell threshold', placeName: 'Place', placeCategory: 'Category',
      outsideM: 'Outside the place by', officialPlaceName: 'Official place nearby', officialOutsideM: 'Outside the official place by', dayType: 'Day type', calendarMissing: 'Calendar missing',
      orderId: 'Trip order', distanceM: 'Distance', maxDistanceFromHomeM: 'Farthest from base', tripVerdict: 'Trip verdict', kind: 'Kind', date: 'Date',
      holidayName: 'Holiday', tripCountThatDay: 'Trips that day', distanceThatDayM: 'Distance that day', tripCount: 'Trips', periodDays: 'Days counted',
      localTime: 'Local time', phone: 'SIM number', nightWindow: 'Night window', distanceAllTripsM: 'Total distance', workingDays: 'Working days', waitedS: 'Waited',
      validFixCount: 'Valid fixes', unseen: 'Not seen', unregisteredCards: 'Unregistered driver cards', tripStarts: 'Trip starts', topSpeedKmh: 'Top speed',
      shortestRouteM: 'Shortest route', restInNightS: 'Rest at night', restDays: 'Rest days', rejectedFixCount: 'Fixes rejected', registeredCardCount: 'Registered cards',
      registered: 'Registered', recoveredAt: 'Recovered at', radiusM: 'Radius', otherUnitId: 'Other unit', orderDestinations: 'Order destinations', offlineWorkingS: 'Offline in working hours',
      offlineS: 'Offline for', offHoursRestS: 'Rest outside working hours', notFixedCount: 'Fixes without position', nights: 'Nights', nightCount: 'Nights', night: 'Night',
      nearestDestinationM: 'Nearest destination', minRestS: 'Rest threshold', minOfflineWorkingS: 'Offline threshold', minNights: 'Nights threshold', maxSpeedKmh: 'Top speed',
      maxDetourRatio: 'Detour ratio threshold', lostFixCount: 'Fixes lost', lossS: 'Without fix for', leftBoundary: 'Left the prefecture', lastSeenAt: 'Last seen',
      lastRemoteAddress: 'Last address', lastFixBeforeAt: 'Last fix before the silence', installedAt: 'Installed at', installSource: 'Installation record', impliedSpeedKmh: 'Implied speed',
      graceS: 'Grace', excessM: 'Excess distance', ended: 'Ended', endReason: 'End reason', elapsedS: 'Elapsed', driverCards: 'Driver cards', detourRatio: 'Detour ratio',
      destinationsVisited: 'Destinations visited', destinationCount: 'Destinations', dates: 'Dates', clusterRadiusM: 'Cluster radius', cleared: 'Cleared', alarmBits: 'Alarm bits',
      accBeforeSilence: 'ACC before the silence', accAtStart: 'ACC at start', accAfterSilence: 'ACC after the silence', fixedAtStart: 'Fixed at start', speedKmhAtStart: 'Speed at start',
      spanS: 'Span', silenceS: 'Silence', workOrderId: 'Work order',
    },
    vocabulary: {
      dayType: { workday: 'Working day', weekend: 'Weekend', holiday: 'Public holiday', unknown: 'Unknown (calendar missing)' },
      placeCategory: {
        designated_parking: 'Designated parking', government_office: 'Government office', entertainment: 'Entertainment venue', hotel: 'Hotel', restaurant: 'Restaurant',
        scenic_spot: 'Scenic spot', school: 'School', residential: 'Residential area', wedding_funeral: 'Wedding or funeral venue', other_unit_parking: 'Other unit\'s parking',
        prefecture_boundary: 'Prefecture boundary', custom: 'Custom',
      },
      tripVerdict: {
        covered: 'Covered by an order', no_order: 'No order', outside_window: 'Outside the order\'s window', off_destinations: 'Off the order\'s destinations',
        wrong_driver: 'Wrong driver', out_of_area_unapproved: 'Out of area without approval',
      },
    },
    map: {
      title: 'Evidence map', finding: 'Finding', stop: 'Stop {from} – {to} ({minutes} min)', contextUnavailable: 'Track around the evidence unavailable', reload: 'Reload',
      legendTrack: 'Evidence track', legendContext: 'Track 30 min before and after', legendStop: 'Stop', legendInvalid: 'Invalid fix',
      access: { delayed: 'Leadership vehicle: you see its positions with a delay, so newer evidence positions and frames are hidden. State a reason to see them live.', none: 'You may not see this vehicle\'s positions; evidence positions and frames are hidden.', live: '' },
    },
    timeline: {
      title: 'Timeline', start: 'Alert starts', end: 'Alert ends', place: 'Matched place', order: 'Trip order #{id}', noOrder: 'No approved trip order in this span',
      orderNotNamed: 'No trip order linked', otherOrder: 'Other order in the span #{id}', trip: 'Trip #{id}', leftBoundary: 'Left the prefecture', driverCards: 'Driver cards',
      positions: '{count} positions', truncated: '(truncated)', fix: 'Fix', fixed: 'Fixed', notFixed: 'Not fixed', invalid: 'Invalid',
      frames: '{count} raw frames', framesWithheld: '({count} withheld by your access)', frameMissing: 'Frame deleted by retention',
    },
    review: {
      title: 'Review', step: 'Step', actor: 'By', text: 'Text', attachment: 'Attachment', attachments: 'Attachments', chooseFile: 'Choose file',
      fileRule: 'PDF, JPG, PNG or DOCX, at most 10 MB', fileType: 'Attach a PDF, JPG, PNG or DOCX file', fileSize: 'An attachment may have at most 10 MB',
      textTooLong: 'At most {max} characters', waitingUnit: 'Waiting for the unit\'s explanation', waitingBureau: 'Waiting for the bureau\'s decision', waitingRectify: 'Waiting for the unit\'s rectification',
      closed: 'Review closed',
      actions: { explain: 'Explain', confirm: 'Confirm violation', dismiss: 'Dismiss', rectify: 'Report rectification' },
      hints: {
        explain: 'Explain what the vehicle was used for; attach the trip order, a meeting notice or other proof. The bureau decides after your explanation.',
        confirm: 'Confirm this alert as a violation. The vehicle\'s unit then reports its rectification.',
        dismiss: 'Dismiss this alert as no violation; a reason is required.',
        rectify: 'State what was done to rectify; you may attach a report.',
      },
      textLabel: { explain: 'Explanation', confirm: 'Comment (optional)', dismiss: 'Reason', rectify: 'Rectification' },
      textRequired: { explain: 'Enter the explanation', confirm: '', dismiss: 'Enter the reason for dismissal', rectify: 'Enter what was rectified' },
      done: { explain: 'Explanation submitted', confirm: 'Confirmed as a violation', dismiss: 'Alert dismissed', rectify: 'Rectification submitted' },
    },
  },
  orders: {
    statuses: { pending: 'Pending', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' },
    outOfArea: 'Out of area', holidayUse: 'Holiday use', destinations: 'Destinations',
  },
  calendar: {
    bannerTitle: 'No holiday schedule for {year}', bannerAction: 'Enter or import it',
  },
  errors: {
    GONGCHE_ERR_ALERT_PENDING: 'The alert still awaits the unit\'s explanation; this step is not possible yet',
    GONGCHE_ERR_ALERT_EXPLAINED: 'The alert is already explained',
    GONGCHE_ERR_ALERT_CONFIRMED: 'The alert is already confirmed as a violation',
    GONGCHE_ERR_ALERT_DISMISSED: 'The alert is already dismissed',
    GONGCHE_ERR_ALERT_RECTIFIED: 'The alert is already rectified',
    GONGCHE_ERR_ATTACHMENT_TOO_LARGE: 'The attachment is too large (at most 10 MB)',
    GONGCHE_ERR_ATTACHMENT_TYPE: 'The attachment type is not accepted or does not match its content (PDF, JPG, PNG, DOCX)',
    GONGCHE_ERR_ATTACHMENT_LIMIT: 'This alert already has the most attachments allowed (20)',
    GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE: 'Wrong upload format',
    GONGCHE_ERR_BAD_REQUEST: 'Malformed request',
  },
};

export default en;
