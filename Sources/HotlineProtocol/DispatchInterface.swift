/// The Varlink interface `org.hotline.Dispatch` (contract §5): its name and IDL text.
public enum DispatchInterface {
    /// The interface name.
    public static let name = "org.hotline.Dispatch"

    /// The interface description returned by `GetInterfaceDescription`. It parses with any
    /// standard Varlink IDL parser.
    public static let description = """
        # The citizen service hotline (12345 and the mayor's mailbox): tickets routed straight
        # to the responsible unit, tracked against working-day deadlines, and every bad rating
        # called back. Times are RFC 3339 strings with an offset, e.g. 2026-11-29T09:30:00+08:00.
        interface org.hotline.Dispatch

        # How a request reached the hotline centre.
        type Channel (hotline, mailbox, web, other)

        # Where a ticket stands in its lifecycle.
        type TicketStatus (pending, dispatched, claimed, replied, callback, reopened, closed)

        # Normal or urgent (urgent uses the urgent_claim and urgent_resolve deadlines).
        type Priority (normal, urgent)

        # The citizen's rating; dissatisfied and very_dissatisfied are bad ratings.
        type Rating (very_satisfied, satisfied, basic, dissatisfied, very_dissatisfied)

        # What came of a call-back after a bad rating.
        type CallbackOutcome (rectify, explained, unreachable)

        # How a closed ticket ended.
        type ClosedAs (rated, unrated, callback, duplicate)

        # The citizen's contact. Units see it masked (138****5678, 张**).
        type Citizen (
          # The citizen's name.
          name: ?string,
          # The citizen's phone number.
          phone: ?string
        )

        # Where the problem is.
        type Location (
          # The district; routes match it exactly.
          district: ?string,
          # The street address.
          address: ?string
        )

        # A ticket.
        type Ticket (
          # The id to read out on the phone: date and sequence, e.g. 20261129-0042.
          id: string,
          # How the request arrived.
          channel: Channel,
          # The submitting system's id; (channel, submissionId) is the idempotency key.
          submissionId: string,
          # The current status.
          status: TicketStatus,
          # Normal or urgent.
          priority: Priority,
          # The category used for routing and duplicate detection.
          category: ?string,
          # A short title.
          title: ?string,
          # The request text.
          content: string,
          # Who raised it.
          citizen: Citizen,
          # Where.
          location: Location,
          # The lead unit, once dispatched.
          unit: ?string,
          # Co-handling units: they may add progress notes.
          coUnits: []string,
          # When the request was received.
          receivedAt: string,
          # The explicit deadline the submission gave, if any.
          deadline: ?string,
          # When it was last dispatched.
          dispatchedAt: ?string,
          # When the lead unit claimed it.
          claimedAt: ?string,
          # The claim deadline.
          claimBy: ?string,
          # The resolve deadline (none for approved long-term tickets).
          dueBy: ?string,
          # When the lead unit replied.
          repliedAt: ?string,
          # The end of the rating window of a replied ticket.
          ratingBy: ?string,
          # The call-back deadline after a bad rating.
          callbackBy: ?string,
          # A deadline passed unmet; stays set.
          overdue: bool,
          # Flagged as supervised (督办).
          supervised: bool,
          # How many times the hotline centre urged the lead unit on (催办).
          urged: int,
          # Who gave the latest answer: centre or unit; null before one.
          answeredBy: ?string,
          # The latest answer or reply; null before one.
          result: ?string,
          # The knowledge-base entries the centre's answer relied on.
          knowledge: []string,
          # An approved long-term ticket: phase reports instead of a final due time.
          longTerm: bool,
          # When the next phase report of a long-term ticket is due.
          phaseDueBy: ?string,
          # An extension request waits for a supervisor.
          extensionPending: bool,
          # The due time the pending extension asks for.
          extensionUntil: ?string,
          # The pending extension asks for long-term handling.
          extensionLongTerm: bool,
          # The citizen's rating.
          rating: ?Rating,
          # Whether the citizen said the problem was solved.
          solved: ?bool,
          # Call-back attempts that found nobody.
          callbackAttempts: int,
          # The ticket this one duplicates.
          duplicateOf: ?string,
          # How it closed.
          closedAs: ?ClosedAs,
          # When it closed.
          closedAt: ?string
        )

        # One entry of a ticket's history; never changed or deleted.
        type Event (
          # When it happened.
          at: string,
          # What happened: submitted, queued, dispatched, claimed, progress, returned,
          # extension_requested, extension_approved, extension_refused, overdue_explained,
          # replied, answered, rated, callback, reopened, merged, supervised, urged, overdue, closed.
          kind: string,
          # The uid of the caller who caused it.
          actorUid: int,
          # The caller's role: admin, operator, supervisor, unit or system.
          role: string,
          # The unit involved.
          unit: ?string,
          # The note, reason or result.
          note: ?string
        )

        # What a notice is about.
        type NoticeKind (dispatched, due_soon, overdue, bad_rating, reopened, callback_due, urged)

        # Something to act on now, streamed by Watch.
        type Notice (
          # When it happened.
          at: string,
          # What happened.
          kind: NoticeKind,
          # The ticket's id.
          ticket: string,
          # The unit concerned; null for the hotline centre's own call-back deadlines.
          unit: ?string,
          # For due_soon, overdue and callback_due: claim, resolve, phase or callback.
          deadline: ?string
        )

        # One unit's figures for the tickets received in a period. A rate counts only the
        # tickets whose outcome is known when Stats is asked, is sent exact (clients round it),
        # and is null when its denominator is 0.
        type UnitStats (
          # The unit's id ("total" for the sum of all rows).
          unit: string,
          # Tickets dispatched to the unit.
          dispatched: int,
          # Of those, claimed, or whose claim deadline has passed.
          claimDue: int,
          # Of those, claimed by the claim deadline.
          claimedOnTime: int,
          # claimedOnTime / claimDue.
          responseRate: ?float,
          # Tickets replied to, or whose resolve deadline has passed.
          replyDue: int,
          # Tickets the unit replied to.
          replied: int,
          # Of those, replied before the resolve deadline passed.
          repliedOnTime: int,
          # repliedOnTime / replyDue.
          onTimeRate: ?float,
          # Tickets the citizen rated.
          rated: int,
          # Of those, rated as solved.
          solved: int,
          # solved / rated.
          solvedRate: ?float,
          # Rated very_satisfied, satisfied or basic.
          satisfied: int,
          # satisfied / rated.
          satisfactionRate: ?float,
          # Tickets rated dissatisfied or very_dissatisfied.
          badRatings: int,
          # Of those, called back.
          callbacksDone: int,
          # callbacksDone / badRatings (the goal is 1).
          callbackRate: ?float,
          # Tickets reopened for rectification.
          rectified: int,
          # Tickets on which a deadline of the unit's passed.
          overdue: int,
          # Times the unit returned a ticket as not theirs.
          returned: int,
          # Tickets whose extension was approved.
          extended: int,
          # Tickets the hotline centre urged on at least once.
          urged: int,
          # 100 x the weighted mean of responseRate, solvedRate and satisfactionRate over
          # those that are not null (the others' weights left out); null when all three are.
          score: ?float
        )

        # What Hotspots counts by: the ticket's category, district, lead unit or channel.
        type HotspotKey (category, district, unit, channel)

        # One key's tickets in a period and in the period of the same length right before it.
        type Hotspot (
          # The category, district, unit or channel; null for the tickets without one.
          key: ?string,
          # Tickets received in the period with this key.
          count: int,
          # Tickets received with this key in the period of the same length before it.
          previous: int,
          # (count - previous) / previous; null when previous is 0.
          change: ?float
        )

        # The hotline centre's own figures for the tickets received in a period, over all
        # channels: the share it answered itself (直办率) and how those answers were rated.
        type CentreStats (
          # Tickets received.
          received: int,
          # Of those, answered by the centre itself.
          answered: int,
          # answered / received.
          directRate: ?float,
          # Centre-answered tickets the citizen rated.
          rated: int,
          # Of those, rated very_satisfied, satisfied or basic.
          satisfied: int,
          # satisfied / rated.
          satisfactionRate: ?float,
          # Centre-answered tickets rated badly.
          badRatings: int,
          # Of those, called back.
          callbacksDone: int,
          # callbacksDone / badRatings.
          callbackRate: ?float
        )

        # The weights of the score ([stats] weights of the configuration); they add up to 1.
        type StatsWeights (
          response: float,
          solved: float,
          satisfaction: float
        )

        # The citizen's contact as given to Submit.
        type CitizenInput (
          # The citizen's name.
          name: ?string,
          # The citizen's phone number.
          phone: ?string
        )

        # The location as given to Submit.
        type LocationInput (
          # The district.
          district: ?string,
          # The street address.
          address: ?string
        )

        # Creates a ticket and routes it; repeating (channel, submissionId) returns the first
        # ticket with created: false. possibleDuplicates lists open tickets with the same
        # phone and category from the last 30 days. With answer, the centre answered on the
        # call (直接答复): the ticket is created replied, answered by the centre, not routed;
        # knowledge names the knowledge-base entries the answer relied on.
        method Submit(
          channel: Channel,
          submissionId: string,
          content: string,
          title: ?string,
          category: ?string,
          priority: ?Priority,
          citizen: ?CitizenInput,
          location: ?LocationInput,
          receivedAt: ?string,
          deadline: ?string,
          answer: ?string,
          knowledge: ?[]string
        ) -> (ticket: Ticket, created: bool, possibleDuplicates: []string)

        # Finds tickets, newest first (time of receipt, then id). text: words separated by
        # spaces, each of two characters or more, all of which occur in the title, content,
        # address or answer (substrings; Latin letters case-insensitive). phone: the caller's
        # history, compared on digits (+86, spaces and dashes ignored); not for units. At
        # least one of text, phone, category, district, unit, status; every one given must
        # match; from <= receivedAt < to. total counts every match the caller may see; pass
        # next as after for the next page. Units get only their unit's tickets, masked.
        method Search(
          text: ?string,
          phone: ?string,
          category: ?string,
          district: ?string,
          unit: ?string,
          status: ?[]string,
          channel: ?Channel,
          from: ?string,
          to: ?string,
          limit: ?int,
          after: ?string
        ) -> (tickets: []Ticket, total: int, next: ?string)

        # One ticket and its history.
        method Get(id: string) -> (ticket: Ticket, events: []Event)

        # A page of tickets, oldest first; pass next as after for the following page.
        method List(
          status: ?[]TicketStatus,
          unit: ?string,
          overdue: ?bool,
          supervised: ?bool,
          limit: ?int,
          after: ?string
        ) -> (tickets: []Ticket, next: ?string)

        # Sends a ticket to a lead unit (pending), or reassigns an open ticket.
        method Dispatch(id: string, unit: string, coUnits: ?[]string, note: ?string) -> (ticket: Ticket)

        # The lead unit takes a dispatched ticket on.
        method Claim(id: string) -> (ticket: Ticket)

        # A progress (phase) report by the lead or a co-handling unit.
        method Progress(id: string, note: string) -> (ticket: Ticket)

        # The lead unit returns a ticket that is not theirs, within the return window.
        method Return(id: string, reason: string) -> (ticket: Ticket)

        # The lead unit asks for a later due time (until) or long-term handling.
        method RequestExtension(id: string, reason: string, until: ?string, longTerm: ?bool) -> (ticket: Ticket)

        # A supervisor approves or refuses the pending extension.
        method DecideExtension(id: string, approve: bool, note: ?string) -> (ticket: Ticket)

        # The lead unit explains why it missed a deadline.
        method ExplainOverdue(id: string, reason: string) -> (ticket: Ticket)

        # The lead unit answers with its result.
        method Reply(id: string, result: string) -> (ticket: Ticket)

        # Records the citizen's rating; a bad rating sends the ticket to callback.
        method Rate(id: string, rating: Rating, solved: bool, comment: ?string) -> (ticket: Ticket)

        # Records the call-back after a bad rating. A rectify call-back of a ticket the
        # centre answered names the unit that is to rectify it.
        method Callback(id: string, outcome: CallbackOutcome, note: string, unit: ?string) -> (ticket: Ticket)

        # The centre answers a pending ticket itself (直接答复): it becomes replied, answered
        # by the centre, and is rated like any reply. knowledge names the entries relied on.
        method Answer(id: string, answer: string, knowledge: ?[]string) -> (ticket: Ticket)

        # Closes a ticket as a duplicate of another.
        method Merge(id: string, into: string) -> (ticket: Ticket)

        # Flags a ticket as supervised (督办).
        method Supervise(id: string, note: string) -> (ticket: Ticket)

        # Urges the lead unit on (催办): a dispatched, claimed or reopened ticket; the lead
        # unit's Watch streams get an urged notice.
        method Urge(id: string, note: ?string) -> (ticket: Ticket)

        # The per-unit figures for tickets received in [from, to), ranked by score (units
        # without a score last, by id); a unit caller gets its own row only. weights are
        # the score's weights in force; centre the centre's own figures (null for a unit).
        method Stats(from: string, to: string) -> (
          units: []UnitStats,
          total: UnitStats,
          weights: StatsWeights,
          centre: ?CentreStats
        )

        # What the city is calling about (热点): the tickets received in [from, to) counted by
        # one key, highest count first (then key; no key last), at most limit rows; total is
        # every ticket received in the period. Operators and supervisors.
        method Hotspots(from: string, to: string, by: HotspotKey, limit: ?int) -> (
          rows: []Hotspot,
          total: int
        )

        # Streams notices (call with more: true) until the client hangs up; a unit's stream
        # carries only its own tickets.
        method Watch() -> (notice: Notice)

        # The daemon's health: open tickets, the pending queue, overdue and owed call-backs; the
        # daemon's node name, its storage backend (sqlite, postgresql) and whether it runs the
        # SLA clock (leader) or another daemon on the same database does (standby).
        method Status() -> (
          version: string,
          uptimeSeconds: int,
          open: int,
          pending: int,
          overdue: int,
          callbacksDue: int,
          node: string,
          backend: (sqlite, postgresql),
          clock: (leader, standby)
        )

        # Writes a consistent copy of the SQLite database into [daemon] backup_directory, named
        # by its UTC time (hotline-20261203T021500Z.db, its SHA-256 beside it in .sha256), and
        # answers once it is complete and synced; the newest backups_kept copies stay. Other
        # calls go on meanwhile. On PostgreSQL it answers NotSupported. Admin only.
        method Backup() -> (path: string, bytes: int, sha256: string, tickets: int)

        # No ticket with this id (or not one the calling unit may see). Check the id.
        error NoSuchTicket (id: string)

        # No knowledge-base entry with this id is in force. Cite only entries in force.
        error NoSuchEntry (id: string)

        # No unit with this id is configured. Use an id from the configuration.
        error NoSuchUnit (unit: string)

        # The ticket's status does not allow this method. Get the ticket and act on its status.
        error InvalidTransition (id: string, status: TicketStatus)

        # The submission id was used before with different content: field names the first
        # parameter that differs (e.g. "location.district"). Use a new submission id.
        error SubmissionConflict (id: string, field: string)

        # The database could not complete the change; nothing was stored. Retry later and
        # tell the operators: the disk may be full or failing.
        error StorageFailure (reason: string)

        # This daemon's storage does not offer the method (Backup on PostgreSQL, whose backups
        # are the server's own); reason says what to use instead.
        error NotSupported (reason: string)
        """
}
