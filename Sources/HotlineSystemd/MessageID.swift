/// The journal `MESSAGE_ID`s of hotlined: one random 128-bit id per operator-relevant
/// kind of entry, each with an entry in `systemd/hotline.catalog` that says what to do
/// (`journalctl -x` shows it). Never reuse an id for another meaning.
public enum MessageID: String, Sendable, CaseIterable {
    /// The daemon is ready: migrations ran and the socket listens.
    case started = "6c7b051625f24ec7bf4f03829abba0fc"
    /// The daemon stopped.
    case stopped = "1ca0fd123eb64aa28c1061c3be996fea"
    /// A reload put a new configuration in force.
    case reloaded = "06dd8ce999d64602a0262835751f3aa1"
    /// A reload was rejected; the old configuration stays in force.
    case reloadRejected = "c89b9a6cf8a44098a33933cea107ed43"
    /// A ticket matched no route and waits in the pending queue for an operator.
    case ticketPending = "eb1394e9ed1745928ef43ca5375f9883"
    /// A deadline of a unit's passed unmet.
    case overdue = "a6eac2ef161a46cfa271202243da374a"
    /// A deadline is 80 % (warn_at) of the way through its window.
    case dueSoon = "0a6911d3eadd4e139b4a3afcaf15c06e"
    /// A citizen rated a reply badly; a call-back is owed.
    case badRating = "c84c86804d714aeebe1d059d32894374"
    /// The hotline centre's own call-back deadline passed.
    case callbackOverdue = "9fd1db4080544d8cbf4b527f6d9f0e2b"
    /// A deadline fell in a year whose holidays the calendar does not hold.
    case calendarYearMissing = "0b402072e48d4e17bbc6f3594d7c89de"
    /// The hotline centre answered a ticket itself (直接答复).
    case answered = "a91ea990b74b424a8a1951680dc4c80b"
    /// The hotline centre urged a unit on (催办).
    case urged = "67030cddc1ea45fb9a4eeaf242640f8c"
    /// A knowledge-base entry was added, updated or retired, or an import was committed.
    case knowledgeChanged = "ae7f3a63508a40f7953f0f47f90e2353"
    /// The database refused a change (disk full, I/O error).
    case storageError = "f9be3574274d43559280a388f88c62c5"
    /// A sweep passed more deadlines (or sent more warnings) than the journal budget lets
    /// through one by one: one line per unit and kind with the count of the rest.
    case sweepSummary = "99496d93212e408d8faa5b498ba32031"
    /// `Backup` wrote a copy of the database.
    case backupWritten = "513b47cc2bdc43acb28ee303105a84ae"
    /// `Backup` kept no copy (the folder cannot be written, the disk is full).
    case backupFailed = "aa86b89b5156475789622f32824d0fdd"

    /// The logging metadata key that carries a message id to the journal handler.
    public static let metadataKey = "message_id"
}
