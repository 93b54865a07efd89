"""English texts."""
# ruff: noqa: E501

from bot.telegram.locales.types import Entry

TEXTS: dict[str, Entry] = {
    # status messages
    "state.awaiting_payment": "💳 Waiting for payment",
    "state.waiting": "🕒 In line",
    "state.retrying": "🔄 The provider was busy; trying again (attempt {attempt})",
    "state.held": "⏸ Delayed: the provider is busy or in maintenance; it goes out as soon as it takes requests again",
    "state.unconfirmed": "⏳ Delayed: the provider has not confirmed the request yet",
    "state.submitting": "📨 Submitted",
    "state.queued": "⏳ Queued",
    "state.generating": "🎬 Generating",
    "state.succeeded": "📤 Sending the video",
    "state.delivered": "✅ Done",
    "state.undeliverable": "⚠️ Done, but the video could not be sent here",
    "state.failed": "❌ Failed",
    "state.cancelled": "🚫 Cancelled",
    "status.line": {
        "one": "{state} · {elapsed}\n{settings} · ~{count} credit",
        "other": "{state} · {elapsed}\n{settings} · ~{count} credits",
    },
    "place.next": "next in line",
    "place.line": {
        "one": "{count}st in line, sent in about {eta}",
        "other": "#{count} in line, sent in about {eta}",
    },
    "eta.seconds": {"one": "{count} second", "other": "{count} seconds"},
    # inline mode
    "inline.empty": "No videos of yours yet: tap to make one",
    "inline.none": "None of your videos matches: tap to make one",
    "inline.untitled": "Video",
    # alerts to the admins
    "alert.key_refused": "🔑 Alert: the provider refuses the API key (401). No video can be made until RUNWAY_API_KEY is fixed.",
    "alert.key_refused_cleared": "✅ Cleared: the provider accepts the API key again.",
    "alert.low_credits": "🪫 Alert: the provider's credits are low: {credits} left (alert below {threshold}). Top the account up.",
    "alert.low_credits_cleared": "✅ Cleared: the provider's credits are back at {credits} (alert below {threshold}).",
    "alert.provider_down": "🚧 Alert: the provider has been failing or in maintenance for {minutes} min ({detail}). Jobs wait in line and go out when it recovers.",
    "alert.provider_down_cleared": "✅ Cleared: the provider answers again.",
    "alert.deliveries_failing": "📭 Alert: deliveries keep failing: {count} in a row; the last: {detail}",
    "alert.deliveries_failing_cleared": "✅ Cleared: results are being delivered again.",
    "eta.minutes": {"one": "{count} minute", "other": "{count} minutes"},
    "note.last_frame": "▶️ Continued from the video's last frame (it cannot be extended directly).",
    "note.aleph_fitted": "✂️ Restyling the first 5 seconds (the provider takes at most 5 s and 10 MB).",
    "kind.text": "text to video",
    "kind.image": "photo to video",
    "kind.extend": "extension",
    "kind.aleph": "restyle (Aleph)",
    "kind.tool": "tool",
    "settings.ratio_auto": "the photo's own ratio",
    "settings.seconds": {"one": "{count} s", "other": "{count} s"},
    "settings.seed": "seed {seed}",
    "settings.watermark": "watermark “{text}”",
    # failures
    "failure.moderation": (
        "❌ The provider rejected the request by its content rules (moderation/NSFW).\n"
        "Rephrase the prompt or use another picture, then try again."
    ),
    "failure.bad_input": (
        "❌ The provider could not use the picture or video.\n"
        "Send a clear JPG or PNG photo (or an MP4 video) and try again."
    ),
    "failure.no_credits": (
        "❌ The video service account is out of credits.\n"
        "Please tell the bot's owner; your request was not charged."
    ),
    "failure.provider_down": (
        "❌ The video service stayed unavailable, even after trying again.\n"
        "This did not count against your videos for today; please try again in a few minutes."
    ),
    "failure.misconfigured": (
        "❌ The video service is not set up correctly here (its key was refused or the feature is "
        "off).\nThe bot's owner has been told; this did not count against your videos for today."
    ),
    "failure.generation_failed": "❌ The provider could not make this video: {reason}\nPlease try again; this did not count against your videos for today.",
    "failure.no_result": "❌ The provider said the video was done but sent nothing. Please try again.",
    "failure.unconfirmed": (
        "❌ The provider never confirmed the request, so it is not known to have been made.\n"
        "It did not count against your videos for today; please send it again."
    ),
    "failure.expired": "❌ The provider no longer has the video this needed (it keeps them 14 days). Send the video again and reply to it.",
    "failure.unpaid": "❌ The invoice was not paid in time, so nothing was made.",
    "failure.undeliverable": "⚠️ The video was made, but Telegram would not take it here: {reason}",
    "failure.timeout": (
        "❌ The video service did not finish in time.\nTry again; shorter or simpler prompts help."
    ),
    "failure.interrupted": (
        "❌ The bot restarted while working on your request, twice, so it was given up.\n"
        "Please send it again."
    ),
    "failure.refused": "❌ The video service refused the request: {reason}\nAdjust it and try again.",
    # delivery
    "button.extend": "➕ Extend",
    "button.regenerate": "🔁 Regenerate",
    "button.restyle": "🎨 Restyle",
    "button.stitch": "🧵 Stitch",
    "button.publish": "📢 Publish",
    "button.discard": "🗑 Discard",
    "button.cancel": "✖ Cancel",
    "delivery.too_big": (
        "🎞 Your video is ready but is {size_mb} MB, more than Telegram lets a bot upload "
        "(50 MB). Download it here (the link works for about 14 days):\n{url}"
    ),
    # requests and options
    "option.unknown": "Unknown option {option}. Valid options: {valid}.",
    "option.bad_value": "{option} cannot be “{value}”. Valid values: {valid}.",
    "option.missing_value": "{option} needs a value. Valid values: {valid}.",
    "option.any_text": "one word or a quoted text",
    "option.too_long": "{option} is too long; at most {limit} characters.",
    "rule.prompt_missing": "Please describe the video after the command, e.g. /video a cat surfing.",
    "rule.prompt_too_long": "The prompt has {length} characters; at most {limit} are allowed.",
    "rule.watermark_too_long": "The watermark has {length} characters; at most {limit} fit on a video.",
    "rule.aspect_ratio_aleph_only": "Aspect ratio {value} is only for restyling with /aleph. For /video use 16:9, 9:16, 1:1, 4:3 or 3:4.",
    "rule.seed_invalid": "The seed must be a whole number from 0 to {limit}.",
    "rule.quality_invalid": "Quality {value} is not valid. Valid values: 720p, 1080p.",
    "rule.duration_invalid": "Duration {value} is not valid. Valid values: 5, 10.",
    "rule.ten_seconds_1080p": (
        "10-second videos cannot be 1080p. Use --dur 5 with --q 1080p, or --dur 10 with "
        "--q 720p (check /settings too)."
    ),
    "rule.aspect_ratio_with_image": (
        "An animated photo keeps the photo's aspect ratio; leave out --ar."
    ),
    "rule.media_missing": "This needs a photo or video to work on.",
    "rule.aspect_ratio_required": "Text to video needs an aspect ratio: --ar 16:9, 9:16, 1:1, 4:3 or 3:4.",
    "access.denied": "Sorry, this bot is private. Ask its owner to let you in.",
    "quota.daily": {
        "one": "You have used your {count} video for today. Try again after {retry_at}.",
        "other": "You have used your {count} videos for today. Try again after {retry_at}.",
    },
    "quota.active": {
        "one": "You already have {count} video in the making. Try again when it is done (see /status).",
        "other": "You already have {count} videos in the making. Try again when one of them is done (see /status).",
    },
    "media.too_big": (
        "This file is {size_mb} MB; Telegram lets bots download at most 20 MB. Send a smaller one."
    ),
    "media.unsupported": (
        "This file type is not supported. Send a photo (JPG, PNG, WebP) or an MP4 video."
    ),
    "media.caption_missing": (
        "Add a caption that describes how the picture should move, e.g. “waves roll in slowly”."
    ),
    "media.video_caption": (
        "To restyle this video, send it with the caption /aleph <what to change>. To edit it, "
        "reply to it with a tool: /trim 1 4, /speed 2, /filter vintage, /thumb, /audio, /info."
    ),
    "aleph.prompt_missing": "Say how the video should change after /aleph, e.g. /aleph make it a watercolour.",
    "aleph.reply_needed": (
        "Use /aleph as a reply to a video, or as the caption of a video: /aleph make it snowy."
    ),
    "extend.reply_needed": (
        "Use /extend as a reply to a video I made: /extend the camera flies up."
    ),
    "extend.not_a_video": "Reply with /extend to a video: one of mine, or one you sent.",
    "extend.prompt_missing": "Say how the video should continue after /extend, e.g. /extend the camera flies up.",
    "extend.impossible": "I no longer have this video, so it cannot be continued. Send the video again and reply to it with /extend.",
    "extend.ask": "✏️ Reply to this message with how video #{job_id} should continue.",
    "restyle.ask": "🎨 Reply to this message with how video #{job_id} should change.",
    "restyle.media_gone": "I no longer have this video to restyle. Send it again with the caption /aleph <what to change>.",
    "prompt.unknown": "I no longer know what that message of mine asked (prompts are kept for a day). Press the button under the video again.",
    "prompt.not_yours": "That question was for the person who pressed the button.",
    "regenerate.media_gone": (
        "I no longer have the original photo or video; please send it again with its caption."
    ),
    # buttons
    "button.not_yours": "Only the person who asked for this video or a chat admin can do that.",
    "button.working": "On it…",
    "button.expired": "This button is no longer valid.",
    "stitch.not_chain": "Stitching needs an extension with its earlier videos.",
    "stitch.missing": "Some videos of this chain are no longer available.",
    "stitch.failed": "Sorry, joining the videos failed.",
    "stitch.caption": {
        "one": "🧵 {count} video: {prompt}",
        "other": "🧵 {count} videos joined: {prompt}",
    },
    "publish.done": "📢 Published to {title}.",
    "publish.failed": "I could not post to the channel: {reason}",
    "discard.done": "🗑 Discarded.",
    # settings
    "settings.title": (
        "⚙️ Settings for this chat\nRatio {ratio} · {duration} s · {quality} · watermark: "
        "{watermark}\nPress a button to change."
    ),
    "settings.no_watermark": "none",
    "settings.button_watermark": "💧 Watermark…",
    "settings.button_clear_watermark": "✖ No watermark",
    "settings.admins_only": "Only chat admins can change settings here.",
    "settings.saved": "Saved.",
    "settings.ask_watermark": "💧 Reply to this message with the watermark text for this chat.",
    "settings.watermark_saved": "Watermark set to “{text}”.",
    # status, history, cancel
    "info.title_photo": "🖼 About this photo:",
    "info.title_video": "🎞 About this video:",
    "info.size": "Size: {value}",
    "info.dimensions": "Dimensions: {value}",
    "info.duration": "Length: {value} s",
    "info.fps": "Frames per second: {value}",
    "info.format": "Format: {value}",
    "info.created": "Made: {value}",
    "info.sound_yes": "Sound: yes",
    "info.sound_no": "Sound: none",
    "board.title": {
        "one": "🎬 {count} job in the making here:",
        "other": "🎬 {count} jobs in the making here:",
    },
    "board.done": {
        "one": "✅ Done here ({count} job):",
        "other": "✅ All done here ({count} jobs):",
    },
    "board.line": "#{job_id} {prompt} · {state} · {elapsed}",
    "status.none": "No videos are in the making in this chat.",
    "status.title": {"one": "{count} job in the making:", "other": "{count} jobs in the making:"},
    "status.item": "#{job_id} {state} · {elapsed} · {prompt}",
    "history.none": "No videos yet in this chat. Try /video a fox in the snow.",
    "history.title": "Recent videos:",
    "history.item": "#{job_id} {state} · {kind} · {prompt}",
    "history.link": "open",
    "history.expired": "gone from the provider after 14 days (still here in the chat)",
    "history.older": "Older ⏬",
    "history.end": "No older videos in this chat.",
    "cancel.done": "🚫 Cancelled #{job_id}. If its video still arrives, it will not be posted.",
    "cancel.none": "You have nothing to cancel in this chat.",
    "cancel.too_late": "#{job_id} cannot be cancelled: it is finished, or not yours to cancel.",
    "cancel.unknown": "There is no job #{job_id} in this chat. See /status for the running ones.",
    "cancel.usage": "Use /cancel for your newest job, or /cancel <number> (see /status).",
    # help
    "help.private": (
        "🎬 I make short AI videos.\n\n"
        "• Send any text, or /video <prompt> [--ar 16:9|9:16|1:1|4:3|3:4] [--dur 5|10] "
        "[--q 720p|1080p] [--wm TEXT]\n"
        "• Send a photo with a caption to animate it.\n"
        "• Reply to one of my videos to extend it; the Stitch button joins a chain.\n"
        "• /aleph <prompt> as a reply to a video (or as its caption) restyles it.\n"
        "• /settings, /status, /history, /cancel, /balance, /buy <stars>, /usage\n"
        "• /channel @name and /post <prompt> publish to your channel.\n"
        "• Type @ and my name in any chat to share one of your videos there."
    ),
    "help.group": (
        "🎬 I make short AI videos. In a group I only see commands and replies to my messages:\n\n"
        "• /video <prompt> [--ar 16:9] [--dur 5|10] [--q 720p|1080p] [--wm TEXT]\n"
        "• A photo with the caption /video <prompt> animates it.\n"
        "• Reply to one of my videos with /extend <prompt> to continue it.\n"
        "• /aleph <prompt> as a reply to a video restyles it.\n"
        "• /settings (admins), /status, /history, /cancel\n"
        "• /channel @name and /post <prompt> publish to a channel."
    ),
    # channels
    "channel.usage": "Use: /channel @yourchannel (the bot and you must both be its admins).",
    "channel.not_found": "I cannot find the channel {name}. Add me to it as an admin first.",
    "channel.bot_not_admin": "I am not an admin of {title} with the right to post. Make me one.",
    "channel.user_not_admin": "Only an admin of {title} can bind it.",
    "channel.bound": "✅ This chat now posts to {title}. Use /post <prompt> to make a preview.",
    "post.no_channel": "Bind a channel first: /channel @yourchannel.",
    # admin
    "admin.only": "This command is for the bot's admins.",
    "balance.value": "💳 Provider credits left: {credits}.",
    "balance.failed": "I could not ask the provider for the balance right now.",
    "usage.title": "📊 Usage (jobs / estimated credits)",
    "usage.period": "{period}:",
    "usage.today": "Today",
    "usage.month": "Last 30 days",
    "usage.row": "  user {user_id}: {jobs} / {credits}",
    "usage.empty": "  nothing",
    # commands menu
    "cmd.video": "Make a video from text",
    "cmd.extend": "Continue a video (reply to it)",
    "cmd.aleph": "Restyle a video (reply to it)",
    "cmd.settings": "Default ratio, duration, quality, watermark",
    "cmd.status": "Videos in the making",
    "cmd.history": "Recent videos",
    "cmd.cancel": "Cancel your newest video",
    "cmd.balance": "Your Stars (admins: provider credits)",
    "cmd.usage": "Usage per user (admins)",
    "cmd.channel": "Bind a channel",
    "cmd.post": "Make a video for the channel",
    "cmd.help": "How to use the bot",
    # errors
    "error.generic": "Sorry, something went wrong. Please try again.",
    # local media tools and fitting inputs (bot/media)
    "media.unreadable": (
        "I could not read this file as a photo or a video. Send it again as a JPG, PNG or "
        "WebP photo, or an MP4 video."
    ),
    "tool.media_missing": (
        "Send this command as the caption of a photo or video, or as a reply to one."
    ),
    "tool.needs_photo": "This works on photos only. Send it with a photo or as a reply to one.",
    "tool.needs_video": "This works on videos only. Send it with a video or as a reply to one.",
    "tool.no_audio": "This video has no sound track, so there is no audio to extract.",
    "tool.trim_order": (
        "The trim must start at 0 s or later and end at least {min_length} s after it starts; "
        "{start}–{end} s does not."
    ),
    "tool.trim_past_end": (
        "The video is {duration} s long, so the trim must end by {duration} s (not {end} s)."
    ),
    "tool.speed_range": "The speed must be from {min} to {max} (e.g. 0.5 or 2); {factor} is not.",
    "tool.size_range": (
        "Each side must be from {min} to {max} pixels; {width}x{height} is outside that."
    ),
    "tool.size_missing": (
        "Give the new size as WxH, e.g. --size 1280x720; each side from {min} to {max} pixels."
    ),
    "tool.thumb_past_end": (
        "The video is {duration} s long, so pick a moment from 0 to {duration} s (not {at} s)."
    ),
    "tool.font_size_range": (
        "For this photo the text size must be from {min} to {max}; {size} is outside that."
    ),
    "tool.text_missing": "Write the words to put on the photo, e.g. /text Happy birthday!",
    "tool.photo_filter_missing": "Choose a filter with --filter: {valid}.",
    "tool.photo_filter_unknown": "There is no filter called “{name}”. Choose one of: {valid}.",
    # the second provider: tool commands, the Tools button, the second video engine (bot/telegram/handlers/tools.py)
    "state.rerun": "🔄 Starting again (attempt {attempt})",
    "state.working": "⚙️ Working on it",
    "state.sending_result": "📤 Sending the result",
    "status.line_free": "{state} · {elapsed}\n{settings}",
    "engine.kie": "kie.ai",
    "engine.runway-ai": "Runway AI",
    "settings.engine": "Engine for /video and photos: {engine}",
    "engine.not_configured": (
        "The Runway AI engine is not set up on this bot, so it cannot make videos here. "
        "Ask the bot's owner, or pick kie.ai in /settings where both are set up."
    ),
    "engine.no_extend": (
        "The Runway AI engine cannot continue a video. Make a new clip with /video, or switch "
        "this chat to kie.ai in /settings (where both engines are set up) to extend."
    ),
    "engine.no_aleph": (
        "The Runway AI engine cannot restyle videos (Aleph). Switch this chat to kie.ai in "
        "/settings (where both engines are set up) to use /aleph."
    ),
    "engine.no_1080p": (
        "The Runway AI engine makes 720p clips only. Leave out --q 1080p (and check /settings), "
        "or switch this chat to kie.ai in /settings for 1080p."
    ),
    "engine.no_ratio": (
        "The Runway AI engine makes 16:9 clips only, not {value}. Leave out --ar (and check "
        "/settings), or switch this chat to kie.ai in /settings for other ratios."
    ),
    "engine.no_watermark": (
        "The Runway AI engine cannot add a watermark. Leave out --wm and clear it in /settings, "
        "or switch this chat to kie.ai in /settings."
    ),
    "tool.not_configured": (
        "{command} needs the Runway AI API, which is not set up on this bot. The edits (/edit, "
        "/text, /trim, /filter, /speed, /resize, /thumb, /audio, /info) work here all the same."
    ),
    "tool.prompt_missing": "Describe the picture after the command, e.g. /image a lighthouse at dawn --style sketch.",
    "tool.edit_type_missing": "Say which edit after /edit: {valid}. E.g. /edit add-filter --filter sepia.",
    "tool.extra_words": "I do not know what to do with “{words}” here. See /help for how the command goes.",
    "tool.text_too_long": "The text has {length} characters; at most {limit} fit on a photo.",
    "tool.trim_usage": "Give the start and end in seconds: /trim 1 4 keeps seconds 1 to 4.",
    "tool.video_filter_missing": "Choose a filter: /filter {valid}.",
    "tool.speed_usage": "Give one speed factor from {min} to {max}: /speed 2 is twice as fast, /speed 0.5 half.",
    "tool.fetch_failed": "I could not get the photo or video from Telegram just now. Please try again.",
    "tool.media_gone": "Telegram no longer has that photo or video. Send it again and use the command on it.",
    "option.not_for": "{option} does not go with {what}.",
    "style.usage": (
        "Send /style as the caption of a photo, as a reply to the photo whose style it should "
        "take: the first photo is redrawn in the second one's style."
    ),
    "forget.usage": "Use /forget as a reply to one of my results: it is deleted at the provider.",
    "forget.not_provider": "That result was made here, not at the Runway AI API, so there is nothing to delete there.",
    "forget.done": "🗑 Deleted at the provider: it no longer keeps that file. ({message})",
    "failure.tool_generation_failed": "❌ This could not be made: {reason}\nPlease try again; it did not count against your jobs for today.",
    "failure.tool_refused": "❌ The Runway AI API refused this: {reason}\nAdjust it and try again.",
    "failure.tool_provider_down": "❌ The Runway AI API stayed unavailable, even after trying again. Please try again in a few minutes.",
    "failure.tool_unconfirmed": "❌ The Runway AI API did not answer this call, so its result is not known. Please send it again.",
    "button.tools": "🧰 Tools",
    "tools.trim": "✂️ Trim…",
    "tools.speed": "⏩ Speed…",
    "tools.filter": "🎨 Filter",
    "tools.resize": "📐 Resize…",
    "tools.thumb": "🖼 Thumbnail",
    "tools.audio": "🎵 Sound track",
    "tools.info": "ℹ️ Info",
    "tools.color": "🌈 Colour boost",
    "tools.text": "🔤 Text…",
    "tools.back": "◀️ Back",
    "tools.filter_vintage": "Vintage",
    "tools.filter_cinematic": "Cinematic",
    "tools.filter_black-and-white": "Black and white",
    "tools.filter_sepia": "Sepia",
    "tools.ask_trim": "✂️ Reply with the start and end in seconds for #{job_id}, e.g. 1 3.",
    "tools.ask_speed": "⏩ Reply with the speed for #{job_id}: from 0.25 to 4, e.g. 2 or 0.5.",
    "tools.ask_resize": "📐 Reply with the new size for #{job_id} as WxH, e.g. 640x360.",
    "tools.ask_photo-size": "📐 Reply with the new size for #{job_id} as WxH, e.g. 800x600.",
    "tools.ask_text": "🔤 Reply with the words to put on #{job_id}; add --pos center or --size 48 if you like.",
    "help.tools": (
        "🧰 Tools, on the photo or video sent with the command or replied to (my results too), "
        "or under the Tools button of every result:\n"
        "• /image <prompt> [--style photorealistic|sketch|abstract]\n"
        "• /edit color-adjust|add-filter|resize [--filter sepia|black-and-white|vintage|cinematic] "
        "[--size WxH]\n"
        "• /text <words> [--pos top-left|top-right|bottom-left|bottom-right|center] [--size N]\n"
        "• /style: a photo captioned /style as a reply to the photo whose style it takes\n"
        "• /trim <start> <end>, /filter vintage|cinematic|black-and-white, /speed 0.25…4, "
        "/resize WxH\n"
        "• /thumb [seconds], /audio, /info; /forget as a reply to a result deletes it at the "
        "provider"
    ),
    "cmd.image": "A picture from a prompt",
    "cmd.edit": "Edit a photo (colours, filter, size)",
    "cmd.text": "Put words on a photo",
    "cmd.style": "A photo in another photo's style",
    "cmd.trim": "Trim a video: /trim 1 4",
    "cmd.filter": "A filter on a video",
    "cmd.speed": "Speed a video up or down",
    "cmd.resize": "Resize a video: /resize 640x360",
    "cmd.thumb": "A still from a video",
    "cmd.audio": "A video's sound track",
    "cmd.info": "Facts about a photo or video",
    "cmd.forget": "Delete a result at the provider",
    # Telegram Stars
    "stars.price": {"one": "⭐ {count} Star", "other": "⭐ {count} Stars"},
    "settings.price": {
        "one": "⭐ A video with these settings costs {count} Star.",
        "other": "⭐ A video with these settings costs {count} Stars.",
    },
    "invoice.title": "Video #{job}",
    "buy.title": {"one": "{count} Star for videos", "other": "{count} Stars for videos"},
    "buy.description": {
        "one": "{count} Star onto your balance: videos are paid from it at once, and a failed one is refunded to it.",
        "other": "{count} Stars onto your balance: videos are paid from it at once, and a failed one is refunded to it.",
    },
    "buy.off": "Payments are off here: videos are free within the daily budget.",
    "buy.usage": "Use /buy <stars>, a whole number from 1 to {max}, for example /buy 100.",
    "buy.done": {
        "one": "⭐ {count} Star added; your balance is {balance}.",
        "other": "⭐ {count} Stars added; your balance is {balance}.",
    },
    "balance.stars": {
        "one": "⭐ Your balance: {count} Star.",
        "other": "⭐ Your balance: {count} Stars.",
    },
    "balance.spent": {
        "one": "Spent this month: {count} Star.",
        "other": "Spent this month: {count} Stars.",
    },
    "balance.free": "Payments are off: videos are free within the daily budget.",
    "refund.to_balance": {
        "one": "↩️ {count} Star for job #{job} is back on your balance (see /balance).",
        "other": "↩️ {count} Stars for job #{job} are back on your balance (see /balance).",
    },
    "refund.to_telegram": {
        "one": "↩️ {count} Star for job #{job} was refunded to your Telegram account.",
        "other": "↩️ {count} Stars for job #{job} were refunded to your Telegram account.",
    },
    "refund.usage": "Use /refund <job number>, for example /refund 12 (see /history).",
    "refund.no_job": "There is no job #{job}; give a number from /history.",
    "refund.done": {
        "one": "Refunded {count} Star for job #{job}.",
        "other": "Refunded {count} Stars for job #{job}.",
    },
    "refund.nothing": "Job #{job} has nothing to refund: it was not paid, or it was refunded already.",
    "pay.credited": {
        "one": "⭐ That request can no longer run, so your {count} Star went onto your balance (see /balance).",
        "other": "⭐ That request can no longer run, so your {count} Stars went onto your balance (see /balance).",
    },
    "pay.stale": "This invoice is out of date; send the request again for a new one.",
    "pay.not_yours": "This invoice belongs to someone else's request; send your own request to get one.",
    "pay.cancelled": "Job #{job} was cancelled, so there is nothing to pay; send the request again to make it.",
    "pay.closed": "Job #{job} no longer waits for payment (it is paid, or its invoice expired); send the request again to make it.",
    "pay.provider_down": "The video service is unavailable right now, so nothing is charged; try again in a few minutes.",
    "usage.stars": "⭐ Stars: {earned} earned, {refunded} refunded",
    "cmd.buy": "Buy Stars for videos",
    "cmd.refund": "Refund a job's Stars (admins)",
}
