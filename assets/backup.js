// A backup that happens: the whole log as JSON, handed to the phone's share sheet where the
// browser can share files (iOS Safari, Android Chrome: into iCloud Drive, Google Drive, a message
// to oneself), downloaded elsewhere. Workout mode's end offers it when one is due (records.js
// decides when). Loaded by the history page and workout mode, after log.js and records.js.
"use strict";

window.repcardBackup = (() => {
  const log = window.repcardLog;
  const { t, tn } = window.repcardText.words;
  const BACKUP_VERSION = 2; // 2: a set may be a warm-up; version 1 backups are read as before

  async function json() {
    const [sessions, sets] = await log.all();
    return JSON.stringify({ app: "repcard", version: BACKUP_VERSION, exported: new Date().toISOString(), sessions, sets }, null, 1);
  }

  const fileName = (ext) => `repcard-log-${log.stamp(Date.now()).slice(0, 10)}.${ext}`;

  function download(text, type, name) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type }));
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  const noteSaved = () => log.inStores("readwrite", (s) => s.meta.put({ key: "backup", at: Date.now() }));

  // The JSON is read when a finger touches the button, so that the tap's click can open the share
  // sheet at once: browsers open it only close to the tap (WebKit within about a second). A read
  // serves the click of that touch, or the tap the browser asks for again; any other save reads
  // the log again (a touch that slid off the button, a set deleted, then Save: the set came back
  // with a restore).
  const FRESH_MS = 2000; // a touch to its click, with room
  let ready = null; // { at, text: the JSON's promise, again: kept for the browser's second tap }

  function prepare() {
    if (!ready || (!ready.again && Date.now() - ready.at > FRESH_MS)) {
      const read = { at: Date.now(), text: json(), again: false };
      ready = read;
      setTimeout(() => { if (ready === read) ready = null; }, 10000);
    }
    return ready;
  }

  // Shares the backup, or downloads it; says which: "shared", "downloaded", "cancelled" or
  // "again" (the browser wanted a fresh tap to share: the file is ready for it).
  async function save() {
    const read = prepare();
    const outcome = await handOver(await read.text);
    if (ready === read) {
      if (outcome.how === "again") read.again = true;
      else ready = null;
    }
    return outcome;
  }

  async function handOver(text) {
    const name = fileName("json");
    const file = new File([text], name, { type: "application/json" });
    if (navigator.canShare && navigator.canShare({ files: [file] })) {
      try {
        await navigator.share({ files: [file], title: name });
        await noteSaved();
        return { how: "shared", name };
      } catch (error) {
        if (error && error.name === "AbortError") return { how: "cancelled", name };
        if (error && error.name === "NotAllowedError") return { how: "again", name };
        // any other refusal: the download below
      }
    }
    download(text, "application/json", name);
    await noteSaved();
    return { how: "downloaded", name };
  }

  const said = {
    shared: (name) => t("Shared %(name)s.", { name }),
    downloaded: (name) => t("Saved %(name)s.", { name }),
    cancelled: () => t("Not shared: the share sheet was closed."),
    again: () => t("The browser wants one more tap to open the share sheet: tap Save backup again."),
  };

  // A button that saves the backup and says what happened in `line`; `after` runs once it is saved.
  function wire(button, line, after) {
    button.addEventListener("pointerdown", prepare);
    button.addEventListener("keydown", prepare);
    button.addEventListener("click", async () => {
      line.textContent = "";
      try {
        const { how, name } = await save();
        line.textContent = said[how](name);
        if (after && (how === "shared" || how === "downloaded")) after();
      } catch (error) {
        line.textContent = t("The backup could not be made in this browser.");
      }
    });
  }

  // Workout mode's end: offers the backup once it is due, and once only until the next backup.
  async function offer(box) {
    const [backup, offered, sessions] = await log.inStores("readonly", (s) => Promise.all([
      log.done(s.meta.get("backup")), log.done(s.meta.get("offered")), log.done(s.sessions.getAll())]));
    const starts = sessions.map((s) => s.started);
    if (!window.repcardRecords.backupDue(backup && backup.at, offered ? offered.at : 0, starts, Date.now())) return false;
    await log.inStores("readwrite", (s) => s.meta.put({ key: "offered", at: Date.now() }));
    const since = starts.filter((t) => t > (backup ? backup.at : 0)).length;
    box.querySelector(".why").textContent = backup
      ? tn("%(num)s workout since the last backup, on %(date)s: save one, so a lost phone loses none of them.",
        "%(num)s workouts since the last backup, on %(date)s: save one, so a lost phone loses none of them.", since,
        { date: log.dateText(backup.at) })
      : tn("%(num)s workout and no backup yet: save one, so a lost phone loses none of them.",
        "%(num)s workouts and no backup yet: save one, so a lost phone loses none of them.", since);
    box.hidden = false;
    return true;
  }

  return { BACKUP_VERSION, json, fileName, download, noteSaved, save, wire, offer };
})();
