/// The Varlink interface `org.hotline.Knowledge` (contract §10): its name and IDL text.
public enum KnowledgeInterface {
    /// The interface name.
    public static let name = "org.hotline.Knowledge"

    /// The interface description returned by `GetInterfaceDescription`.
    public static let description = """
        # The hotline centre's knowledge base (知识库): the authoritative answers operators give
        # on the call and cite when the centre answers a ticket itself. Every change makes a new
        # version of an entry; the versions it had before are kept and never change.
        # Supervisors and admin add, update and retire entries; every role reads and searches.
        # Times are RFC 3339 strings with an offset, e.g. 2026-11-29T09:30:00+08:00.
        interface org.hotline.Knowledge

        # One entry, as it is now or as an earlier version was.
        type Entry (
          # The entry's id, e.g. K000042.
          id: string,
          # What the entry answers.
          title: string,
          # The answer.
          body: string,
          category: ?string,
          # Further words the entry is found by.
          keywords: []string,
          # 1 for the first version, one more for each change.
          version: int,
          # When the first version was added.
          createdAt: string,
          # When this version was made, and the uid that made it.
          updatedAt: string,
          updatedBy: int,
          # Withdrawn: not offered by Search, not citable.
          retired: bool,
          # After this time the entry is no longer in force (e.g. a year's holiday schedule).
          validUntil: ?string,
          # How many answers cited the entry; for an earlier version, how many had when it
          # was replaced.
          uses: int
        )

        # One entry of an Import, as Add takes it.
        type NewEntry (
          title: string,
          body: string,
          category: ?string,
          keywords: ?[]string,
          validUntil: ?string
        )

        # Adds an entry (version 1). Supervisors and admin.
        method Add(
          title: string,
          body: string,
          category: ?string,
          keywords: ?[]string,
          validUntil: ?string
        ) -> (entry: Entry)

        # Makes the next version of an entry from the fields given; version names the version
        # the change was made to. When that is no longer the current one: StaleVersion, and
        # nothing changes. An empty category or validUntil removes it. Supervisors and admin.
        method Update(
          id: string,
          version: int,
          title: ?string,
          body: ?string,
          category: ?string,
          keywords: ?[]string,
          validUntil: ?string
        ) -> (entry: Entry)

        # Withdraws an entry (its next version), saying why. An entry already retired is
        # returned unchanged. Supervisors and admin.
        method Retire(id: string, note: string) -> (entry: Entry)

        # An entry as it is now, and every earlier version, oldest first.
        method Get(id: string) -> (entry: Entry, versions: []Entry)

        # The entries holding every word of text (words of two characters or more, separated
        # by spaces) in their title, body or keywords. Best first: entries whose title holds
        # every word, then the rest; within each, the most cited first, then the newest.
        # Retired entries and those past validUntil only with includeRetired. total counts
        # every match. limit: default 20, at most 100.
        method Search(
          text: string,
          category: ?string,
          limit: ?int,
          includeRetired: ?bool
        ) -> (entries: []Entry, total: int)

        # Loads many entries as one change, over as many calls as the messages need: the first
        # call (without import) starts an import and returns its id, each call stages its
        # entries, and the call with commit true adds every staged entry in one transaction
        # and returns how many (added; 0 before). A bad entry is InvalidParameter naming it
        # (entries[3].title) and discards the whole import: nothing of it is stored. An
        # import not committed within a day is discarded. Supervisors and admin.
        method Import(import: ?string, entries: []NewEntry, commit: ?bool) -> (
          import: string,
          staged: int,
          added: int
        )

        # No entry with this id. Check the id (Search finds entries by their words).
        error NoSuchEntry (id: string)

        # The entry has changed since the version the update was made to; version is its
        # current one. Get the entry, apply the change to it and send that version.
        error StaleVersion (id: string, version: int)

        # No import with this id is open for this caller: it was committed, discarded after a
        # bad entry, or is older than a day. Start the import again.
        error NoSuchImport (import: string)
        """
}
