// The sandbox web chat: a small Telegram client over the emulator's control API (/_emulator).
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

const api = {
  async call(method, path, body) {
    const init = { method };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "Content-Type": "application/json" };
    }
    const response = await fetch(`/_emulator${path}`, init);
    const data = await response.json();
    if (!data.ok) throw new Error(data.description || `HTTP ${response.status}`);
    return data.result;
  },
  get: (path) => api.call("GET", path),
  post: (path, body) => api.call("POST", path, body),
};

const ACTIONS = {
  typing: "is typing",
  upload_video: "is sending a video",
  record_video: "is recording a video",
  upload_photo: "is sending a photo",
  upload_document: "is sending a file",
  upload_voice: "is sending a voice message",
  record_voice: "is recording a voice message",
  choose_sticker: "is choosing a sticker",
};
const PALETTE = ["#e06c75", "#d19a66", "#98c379", "#56b6c2", "#61afef", "#c678dd", "#e5c07b", "#7aa2f7"];

const state = {
  world: null,
  chats: new Map(),
  users: new Map(),
  store: new Map(), // chat id -> Map(message id -> message)
  current: { chatId: null, threadId: null },
  speaker: 1001,
  reply: null,
  file: null,
  unread: new Map(),
  actions: new Map(),
  commands: [],
  stick: true, // the view follows the newest message until the reader scrolls up
};
const LANGUAGES = [
  ["en", "English"], ["ru", "Русский"], ["uk", "Українська"], ["de", "Deutsch"],
  ["es", "Español"], ["fr", "Français"], ["pt-br", "Português (BR)"], ["", "none"],
];

// ---------- helpers ----------
const viewKey = (chatId, threadId) => `${chatId}:${threadId ?? "general"}`;
const threadOf = (m) => (m.is_topic_message ? m.message_thread_id : null);
const isService = (m) => Boolean(m.forum_topic_created || m.successful_payment || m.refunded_payment);
const colour = (id) => PALETTE[Math.abs(Number(id)) % PALETTE.length];
const initials = (name) => (name || "?").split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
const senderOf = (m) => m.from || m.sender_chat || {};
const nameOf = (who) => who.title || [who.first_name, who.last_name].filter(Boolean).join(" ") || "Unknown";
const timeOf = (m) => new Date(m.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function avatar(who, small) {
  const node = el("div", small ? "avatar small" : "avatar", initials(nameOf(who)));
  node.style.background = `linear-gradient(135deg, ${colour(who.id)}, ${colour(Number(who.id) + 3)})`;
  return node;
}

function toast(text, isError) {
  const node = el("div", isError ? "toast error" : "toast", text);
  $("toasts").append(node);
  setTimeout(() => node.remove(), isError ? 5000 : 3000);
}

function chatTitle(chat) {
  return chat.type === "private" ? nameOf(state.world.bot) : chat.title;
}

function messagesOf(chatId) {
  if (!state.store.has(chatId)) state.store.set(chatId, new Map());
  return state.store.get(chatId);
}

function visible(m) {
  const { chatId, threadId } = state.current;
  if (m.chat.id !== chatId) return false;
  return !state.chats.get(chatId).is_forum || threadOf(m) === threadId;
}

// ---------- sidebar ----------
function renderChatList() {
  const list = $("chat-list");
  list.replaceChildren();
  const chats = [...state.chats.values()];
  chats.filter((c) => !c.crowd).forEach((chat) => renderChatItem(list, chat));
  const crowd = chats.filter((c) => c.crowd);
  if (crowd.length) {
    const group = el("details", "crowd");
    group.open = crowd.length <= 12;
    group.append(el("summary", "", `Crowd · ${crowd.length} chats`));
    crowd.forEach((chat) => renderChatItem(group, chat));
    list.append(group);
  }
  markActive();
  paintBadges();
}

function chatKind(chat) {
  if (chat.type === "private") return chat.id === state.world.me ? "bot" : `bot · as ${nameOf(chat)}`;
  return { group: "group", supergroup: chat.is_forum ? "forum" : "supergroup", channel: "channel" }[chat.type];
}

function renderChatItem(list, chat) {
  const who = chat.type === "private" ? state.world.bot : chat;
  const item = el("button", "chat-item");
  item.type = "button";
  item.dataset.chatId = chat.id;
  const meta = el("div", "meta");
  meta.append(el("div", "name", chatTitle(chat)), el("div", "kind", chatKind(chat)));
  const badge = el("span", "badge");
  badge.dataset.badge = viewKey(chat.id, null);
  item.append(avatar(who), meta, badge);
  item.addEventListener("click", () => openChat(chat.id, null));
  list.append(item);
  if (chat.is_forum) renderTopics(list, chat);
}

// ---------- people: each demo person's language ----------
function renderPeople() {
  const box = $("people-list");
  box.replaceChildren();
  for (const id of state.world.demo_user_ids) {
    const user = state.users.get(id);
    if (!user) continue;
    const row = el("label", "person");
    const select = el("select", "lang");
    select.dataset.userId = id;
    select.setAttribute("aria-label", `${nameOf(user)}'s language`);
    for (const [code, label] of LANGUAGES) {
      const option = el("option", "", code ? `${label} (${code})` : label);
      option.value = code;
      select.append(option);
    }
    select.value = user.language_code || "";
    select.addEventListener("change", () => setLanguage(id, select.value));
    const balance = el("span", "stars", `⭐ ${starsOf(id)}`);
    balance.dataset.userId = id;
    balance.title = "Stars balance";
    row.append(avatar(user, true), el("span", "person-name", nameOf(user)), balance, select);
    box.append(row);
  }
}

async function setLanguage(userId, code) {
  try {
    const user = await api.post(`/users/${userId}`, { language_code: code || null });
    state.users.set(user.id, user);
    toast(`${nameOf(user)} now writes with language ${code || "none"}`);
  } catch (error) { toast(error.message, true); }
}

function renderTopics(list, chat) {
  const topics = [{ message_thread_id: null, name: "General", icon_color: 0x8b93a7 }, ...chat.topics];
  for (const topic of topics) {
    const item = el("button", "topic-item");
    item.type = "button";
    item.dataset.chatId = chat.id;
    item.dataset.threadId = topic.message_thread_id ?? "general";
    const dot = el("span", "topic-dot");
    dot.style.background = `#${topic.icon_color.toString(16).padStart(6, "0")}`;
    const badge = el("span", "badge");
    badge.dataset.badge = viewKey(chat.id, topic.message_thread_id);
    const name = el("span", "name", `# ${topic.name}`);
    name.style.flex = "1";
    item.append(dot, name, badge);
    item.addEventListener("click", () => openChat(chat.id, topic.message_thread_id));
    list.append(item);
  }
}

function markActive() {
  const { chatId, threadId } = state.current;
  const forum = state.chats.get(chatId)?.is_forum;
  document.querySelectorAll(".chat-item, .topic-item").forEach((node) => {
    const sameChat = Number(node.dataset.chatId) === chatId;
    const isTopic = node.classList.contains("topic-item");
    const sameTopic = node.dataset.threadId === String(threadId ?? "general");
    node.classList.toggle("active", sameChat && (isTopic ? sameTopic : !forum));
  });
}

function bumpUnread(m) {
  const key = viewKey(m.chat.id, state.chats.get(m.chat.id)?.is_forum ? threadOf(m) : null);
  state.unread.set(key, (state.unread.get(key) || 0) + 1);
  paintBadges();
}

function paintBadges() {
  document.querySelectorAll("[data-badge]").forEach((node) => {
    const count = state.unread.get(node.dataset.badge) || 0;
    node.textContent = count ? String(count) : "";
  });
}

// ---------- conversation ----------
async function openChat(chatId, threadId) {
  state.current = { chatId, threadId };
  setSidebar(false);
  state.unread.delete(viewKey(chatId, threadId));
  clearReply();
  markActive();
  paintBadges();
  renderHeader();
  renderComposer();
  const items = await api.get(`/chats/${chatId}/messages`);
  const store = messagesOf(chatId);
  store.clear();
  items.forEach((m) => store.set(m.message_id, m));
  renderMessages();
  state.commands = await api.get(`/commands?chat_id=${chatId}`).catch(() => []);
  const showing = await api.get(`/chats/${chatId}/actions`).catch(() => []);
  showing.forEach((a) => setAction({ chat_id: chatId, thread_id: a.thread_id, action: a.action, seconds: a.seconds_left }));
  $("input").focus();
}

function renderHeader() {
  const chat = state.chats.get(state.current.chatId);
  const who = chat.type === "private" ? state.world.bot : chat;
  $("conv-avatar").replaceWith(Object.assign(avatar(who), { id: "conv-avatar" }));
  let title = chatTitle(chat);
  if (chat.is_forum) {
    const topic = chat.topics.find((t) => t.message_thread_id === state.current.threadId);
    title = `${chat.title} · ${topic ? topic.name : "General"}`;
  }
  $("conv-title").textContent = title;
  renderStatus();
}

function baseStatus(chat) {
  if (chat.type === "private") return `bot · @${state.world.bot.username}`;
  if (chat.type === "channel") return `channel · @${chat.username}`;
  return `${chat.members.length} members`;
}

function renderStatus() {
  const chat = state.chats.get(state.current.chatId);
  const action = currentAction();
  const sub = $("conv-sub");
  sub.textContent = action ? `${nameOf(state.world.bot)} ${ACTIONS[action] || action}…` : baseStatus(chat);
  sub.classList.toggle("busy", Boolean(action));
  $("typing").hidden = !action;
  $("typing-text").textContent = action ? `${nameOf(state.world.bot)} ${ACTIONS[action] || action}…` : "";
}

function currentAction() {
  const entry = state.actions.get(viewKey(state.current.chatId, state.current.threadId));
  return entry && entry.until > Date.now() ? entry.action : null;
}

function renderMessages() {
  const box = $("messages");
  box.replaceChildren();
  const items = [...messagesOf(state.current.chatId).values()].filter(visible);
  items.sort((a, b) => a.message_id - b.message_id);
  if (!items.length) {
    box.append(el("div", "empty", "No messages yet. Say hello, or try /video a red fox running through snow"));
    return;
  }
  items.forEach((m) => box.append(renderMessage(m)));
  followNewest(true);
}

// The newest message and its buttons come into view when they arrive; media that loads later
// (and grows the bubble) keeps them there unless the reader has scrolled up meanwhile.
function followNewest(force) {
  if (force) state.stick = true;
  if (!state.stick) return;
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

// Only the reader scrolling up lets go of the bottom: content growing under a programmatic
// scroll also fires "scroll" events, and those must not count as the reader's choice.
function trackScroll() {
  const box = $("messages");
  let lastTop = box.scrollTop;
  box.addEventListener("scroll", () => {
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
    if (atBottom) state.stick = true;
    else if (box.scrollTop < lastTop - 2) state.stick = false;
    lastTop = box.scrollTop;
  });
  new ResizeObserver(() => followNewest(false)).observe(box);
}

function isMine(m) {
  if (m._by_bot) return false;
  if (m.chat.type === "channel") return true;
  return senderOf(m).id === state.speaker;
}

function renderMessage(m) {
  if (isService(m)) {
    const topic = m.forum_topic_created;
    const text = topic ? `${nameOf(senderOf(m))} created the topic “${topic.name}”` : paymentNote(m);
    const node = el("div", m.forum_topic_created ? "service" : "service payment", text);
    node.dataset.messageId = m.message_id;
    return node;
  }
  const mine = isMine(m);
  const row = el("div", mine ? "row mine" : "row");
  row.dataset.messageId = m.message_id;
  const bubble = el("div", m._by_bot ? "msg bot" : "msg");
  bubble.dataset.messageId = m.message_id;
  const who = senderOf(m);
  if (m.chat.type !== "private" && (!mine || m.chat.type === "channel")) {
    const author = el("div", "author", nameOf(who));
    author.style.color = colour(who.id);
    bubble.append(author);
  }
  const quoted = m.reply_to_message;
  if (quoted && !isService(quoted)) bubble.append(renderQuote(quoted));
  if (m.via_bot) bubble.append(el("div", "via", `via @${m.via_bot.username}`));
  const media = renderMedia(m);
  if (media) bubble.append(media);
  if (m.invoice) bubble.append(renderInvoice(m));
  const text = m.text ?? m.caption;
  if (text) bubble.append(renderText(text, m.entities || m.caption_entities || []));
  if (m.reply_markup?.inline_keyboard) bubble.append(renderKeyboard(m));
  const foot = el("div", "foot");
  (m._bot_reactions || []).forEach((r) => foot.append(el("span", "reaction", r.emoji || "★")));
  if (m.edit_date) foot.append(el("span", "edited", "edited"));
  foot.append(el("span", "time", timeOf(m)));
  bubble.append(foot, replyButton(m));
  row.append(avatar(who, true), bubble);
  return row;
}

function renderQuote(quoted) {
  const node = el("button", "quote");
  node.type = "button";
  const text = quoted.text ?? quoted.caption ?? mediaName(quoted);
  node.append(el("div", "q-name", nameOf(senderOf(quoted))), el("div", "q-text", text));
  node.addEventListener("click", () => jumpTo(quoted.message_id));
  return node;
}

function mediaName(m) {
  if (m.video) return "Video";
  if (m.photo) return "Photo";
  if (m.audio) return "Audio";
  if (m.document) return "File";
  if (m.invoice) return `Invoice: ${m.invoice.title}`;
  return "Message";
}

function jumpTo(messageId) {
  const target = document.querySelector(`.msg[data-message-id="${messageId}"]`);
  if (!target) return toast("The original message is not in this view");
  target.scrollIntoView({ behavior: "smooth", block: "center" });
  target.classList.remove("flash");
  void target.offsetWidth;
  target.classList.add("flash");
}

const fileUrl = (fileId) => `/_emulator/files/${encodeURIComponent(fileId)}`;

function renderMedia(m) {
  if (m.photo) {
    const img = el("img", "media");
    img.src = fileUrl(m.photo[m.photo.length - 1].file_id);
    img.alt = m.caption || "photo";
    img.addEventListener("load", () => followNewest(false));
    return img;
  }
  const clip = m.video || m.animation;
  if (clip) {
    const video = el("video", "media");
    video.src = fileUrl(clip.file_id);
    video.playsInline = true;
    video.preload = "metadata";
    if (clip.thumbnail) video.poster = fileUrl(clip.thumbnail.file_id);
    if (m.animation) Object.assign(video, { autoplay: true, loop: true, muted: true });
    else video.controls = true;
    video.addEventListener("loadedmetadata", () => followNewest(false));
    return video;
  }
  if (m.audio) return renderAudio(m.audio);
  if (m.document) return renderDocument(m.document);
  return null;
}

function renderAudio(audio) {
  const box = el("div", "audio");
  const player = el("audio");
  player.controls = true;
  player.preload = "metadata";
  player.src = fileUrl(audio.file_id);
  player.addEventListener("loadedmetadata", () => followNewest(false));
  const title = [audio.performer, audio.title].filter(Boolean).join(" — ") || audio.file_name || "Audio";
  const minutes = Math.floor((audio.duration || 0) / 60);
  const seconds = String((audio.duration || 0) % 60).padStart(2, "0");
  const info = el("div", "audio-info");
  info.append(el("span", "audio-title", `🎵 ${title}`), el("span", "audio-length", `${minutes}:${seconds}`));
  box.append(info, player);
  return box;
}

function renderDocument(doc) {
  const link = el("a", "file");
  link.href = fileUrl(doc.file_id);
  link.download = doc.file_name || "file";
  const info = el("div");
  info.append(el("div", "file-name", doc.file_name || "file"), el("div", "file-size", `${(doc.file_size / 1024).toFixed(1)} KB`));
  link.append(el("span", "file-icon", "⬇"), info);
  return link;
}

const WRAPPERS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote",
};

function renderText(text, entities) {
  const node = el("div", "text");
  const points = new Set([0, text.length]);
  entities.forEach((e) => { points.add(e.offset); points.add(e.offset + e.length); });
  const cuts = [...points].filter((p) => p <= text.length).sort((a, b) => a - b);
  for (let i = 0; i < cuts.length - 1; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    let part = document.createTextNode(text.slice(a, b));
    for (const e of entities.filter((x) => x.offset <= a && x.offset + x.length >= b).reverse()) {
      part = wrapEntity(e, part, text.slice(e.offset, e.offset + e.length));
    }
    node.append(part);
  }
  return node;
}

function wrapEntity(entity, child, whole) {
  let wrapper;
  if (WRAPPERS[entity.type]) wrapper = el(WRAPPERS[entity.type]);
  else if (entity.type === "text_link" || entity.type === "url") {
    wrapper = el("a");
    wrapper.href = entity.url || whole;
    wrapper.target = "_blank";
    wrapper.rel = "noopener noreferrer";
  } else if (entity.type === "bot_command") {
    wrapper = el("span", "cmd");
    wrapper.addEventListener("click", () => { $("input").value = `${whole} `; $("input").focus(); });
  } else if (entity.type === "spoiler") {
    wrapper = el("span", "spoiler");
    wrapper.addEventListener("click", () => wrapper.classList.toggle("open"));
  } else if (entity.type === "mention" || entity.type === "hashtag") {
    wrapper = el("span", "cmd");
  } else return child;
  wrapper.append(child);
  return wrapper;
}

function renderKeyboard(m) {
  const board = el("div", "keyboard");
  for (const row of m.reply_markup.inline_keyboard) {
    const line = el("div", "kb-row");
    for (const button of row) line.append(renderButton(m, button));
    board.append(line);
  }
  return board;
}

function renderButton(m, button) {
  const node = el("button", "kb-btn");
  node.append(el("span", "kb-label", button.text));
  node.type = "button";
  node.addEventListener("click", async () => {
    if (button.url) return window.open(button.url, "_blank", "noopener");
    if (button.pay && m.invoice) return payInvoice(m);
    if (button.callback_data === undefined) return toast("This button type is not emulated");
    try {
      await api.post(`/chats/${m.chat.id}/callbacks`, {
        message_id: m.message_id, data: button.callback_data, user_id: state.speaker,
      });
    } catch (error) { toast(error.message, true); }
  });
  return node;
}

function replyButton(m) {
  const node = el("button", "reply-btn", "↩");
  node.type = "button";
  node.title = "Reply";
  node.setAttribute("aria-label", "Reply");
  node.addEventListener("click", () => setReply(m));
  return node;
}

// ---------- composer ----------
function renderComposer() {
  const chat = state.chats.get(state.current.chatId);
  const select = $("speaker");
  select.replaceChildren();
  const people = chat.type === "private" ? [chat.id] : chat.members.map((x) => x.user_id).filter((id) => state.users.has(id));
  for (const id of people) {
    const option = el("option", "", nameOf(state.users.get(id)));
    option.value = id;
    select.append(option);
  }
  if (!people.includes(state.speaker)) state.speaker = people[0] ?? state.world.me;
  select.value = String(state.speaker);
  $("speaker-wrap").hidden = chat.type === "private" || chat.type === "channel";
  $("as-channel").hidden = chat.type !== "channel";
  $("as-channel").textContent = chat.type === "channel" ? `as ${chat.title}` : "";
  $("input").placeholder = chat.type === "channel" ? "Broadcast a post" : "Message";
}

function renderChips() {
  const chips = $("chips");
  chips.replaceChildren();
  if (state.reply) {
    const text = state.reply.text ?? state.reply.caption ?? (state.reply.video ? "Video" : "Message");
    chips.append(chip(`Replying to ${nameOf(senderOf(state.reply))}: ${text}`, clearReply, "reply-chip"));
  }
  if (state.file) chips.append(chip(`📎 ${state.file.name}`, clearFile, "file-chip"));
}

function chip(text, onCancel, id) {
  const node = el("div", "chip");
  node.id = id;
  const cancel = el("button", "", "×");
  cancel.type = "button";
  cancel.title = "Cancel";
  cancel.addEventListener("click", onCancel);
  node.append(el("span", "", text), cancel);
  return node;
}

function setReply(m) { state.reply = m; renderChips(); $("input").focus(); }
function clearReply() { state.reply = null; renderChips(); }
function clearFile() { state.file = null; $("file").value = ""; renderChips(); }

async function send() {
  const text = $("input").value;
  if (!text.trim() && !state.file) return;
  const { chatId, threadId } = state.current;
  const fields = { text, user_id: state.speaker };
  if (state.reply) fields.reply_to = state.reply.message_id;
  if (threadId !== null) fields.thread_id = threadId;
  try {
    const created = await api.post(`/chats/${chatId}/messages`, state.file ? asForm(fields) : fields);
    addMessage(created);
    $("input").value = "";
    autosize();
    hideCommands();
    hideInline();
    clearReply();
    clearFile();
  } catch (error) { toast(error.message, true); }
}

function asForm(fields) {
  const form = new FormData();
  Object.entries(fields).forEach(([k, v]) => form.append(k, String(v)));
  const type = state.file.type;
  const kind = type.startsWith("image/") ? "photo" : type.startsWith("video/") ? "video" : type.startsWith("audio/") ? "audio" : "document";
  form.append(kind, state.file, state.file.name);
  return form;
}

function autosize() {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function showCommands() {
  const value = $("input").value;
  const box = $("commands");
  const match = /^\/(\w*)$/.exec(value);
  const found = match ? state.commands.filter((c) => c.command.startsWith(match[1])) : [];
  if (!found.length) return hideCommands();
  box.replaceChildren(...found.map((c) => {
    const item = el("button", "command");
    item.type = "button";
    item.append(el("b", "", `/${c.command}`), el("span", "", c.description));
    item.addEventListener("click", () => { $("input").value = `/${c.command} `; hideCommands(); $("input").focus(); });
    return item;
  }));
  box.hidden = false;
}

function hideCommands() { $("commands").hidden = true; }

// ---------- live events ----------
function addMessage(m) {
  const store = messagesOf(m.chat.id);
  const known = store.has(m.message_id);
  store.set(m.message_id, m);
  if (known) return replaceMessage(m);
  if (m._by_bot) clearAction(m.chat.id, threadOf(m));
  if (!visible(m)) return m._by_bot ? bumpUnread(m) : undefined;
  const box = $("messages");
  box.querySelector(".empty")?.remove();
  box.append(renderMessage(m));
  followNewest(true);
}

function replaceMessage(m) {
  const store = messagesOf(m.chat.id);
  const known = store.get(m.message_id);
  if (known?._bot_reactions && !m._bot_reactions) m._bot_reactions = known._bot_reactions;
  store.set(m.message_id, m);
  const old = document.querySelector(`#messages > [data-message-id="${m.message_id}"]`);
  if (old && visible(m)) old.replaceWith(renderMessage(m));
  followNewest(false);
}

function setReactions(event) {
  const m = messagesOf(event.chat_id).get(event.message_id);
  if (m) replaceMessage({ ...m, _bot_reactions: event.reactions });
}

// The world changed (people or chats were added): fetch it again, at most every 300 ms.
let worldTimer = null;
function refreshWorld() {
  clearTimeout(worldTimer);
  worldTimer = setTimeout(async () => {
    const world = await api.get("/world").catch(() => null);
    if (!world) return;
    loadWorld(world);
    renderChatList();
    renderPeople();
    if (state.chats.has(state.current.chatId)) { renderHeader(); renderComposer(); }
  }, 300);
}

function loadWorld(world) {
  state.world = world;
  state.chats.clear();
  world.chats.forEach((c) => state.chats.set(c.id, c));
  world.users.forEach((u) => state.users.set(u.id, u));
}

// ---------- narrow screens: the sidebar slides in over the chat ----------
function setSidebar(open) {
  document.querySelector(".app").classList.toggle("sidebar-open", open);
  $("backdrop").hidden = !open;
  $("sidebar-toggle").setAttribute("aria-expanded", String(open));
}

function removeMessage(chatId, messageId) {
  messagesOf(chatId).delete(messageId);
  if (chatId === state.current.chatId) {
    document.querySelector(`#messages > [data-message-id="${messageId}"]`)?.remove();
  }
}

function setAction(event) {
  const key = viewKey(event.chat_id, event.thread_id);
  state.actions.set(key, { action: event.action, until: Date.now() + event.seconds * 1000 });
  renderStatus();
  setTimeout(renderStatus, event.seconds * 1000 + 50);
}

function clearAction(chatId, threadId) {
  state.actions.delete(viewKey(chatId, threadId));
  if (chatId === state.current.chatId) renderStatus();
}

function onEvent(event) {
  if (event.type === "message") addMessage(event.message);
  else if (event.type === "edit") replaceMessage(event.message);
  else if (event.type === "delete") removeMessage(event.chat_id, event.message_id);
  else if (event.type === "action") setAction(event);
  else if (event.type === "callback_answer" && event.text) toast(event.text);
  else if (event.type === "reaction") setReactions(event);
  else if (event.type === "payment") onPayment(event);
  else if (event.type === "stars") { stars.set(event.user_id, event.balance); paintStars(); }
  else if (event.type === "world") refreshWorld();
  else if (event.type === "user") { state.users.set(event.user.id, event.user); renderPeople(); }
}

function connect() {
  const source = new EventSource("/_emulator/events");
  const status = $("connection");
  source.onopen = () => { status.textContent = "live"; status.classList.add("live"); };
  source.onerror = () => { status.textContent = "reconnecting…"; status.classList.remove("live"); };
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
}

// ---------- start ----------
function bindComposer() {
  const input = $("input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape") {
      hideCommands();
      hideInline();
      clearReply();
    }
  });
  input.addEventListener("input", () => { autosize(); showCommands(); onInlineInput(); });
  $("send").addEventListener("click", send);
  $("attach").addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", () => { state.file = $("file").files[0] || null; renderChips(); });
  $("speaker").addEventListener("change", (event) => {
    state.speaker = Number(event.target.value);
    renderMessages();
  });
}

async function start() {
  loadWorld(await api.get("/world"));
  bindComposer();
  trackScroll();
  $("sidebar-toggle").addEventListener("click", () => setSidebar(!document.querySelector(".app").classList.contains("sidebar-open")));
  $("backdrop").addEventListener("click", () => setSidebar(false));
  renderChatList();
  renderPeople();
  await loadStars();
  connect();
  await openChat(state.world.me, null);
  document.body.dataset.ready = "true";
}

start().catch((error) => toast(`Could not start: ${error.message}`, true));
