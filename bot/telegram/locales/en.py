"""English texts."""
# ruff: noqa: E501

TEXTS: dict[str, str] = {
    # status messages
    "state.submitting": "📨 Submitted",
    "state.queued": "⏳ Queued",
    "state.generating": "🎬 Generating",
    "state.succeeded": "📤 Sending the video",
    "state.delivered": "✅ Done",
    "state.undeliverable": "⚠️ Done, but the video could not be sent here",
    "state.failed": "❌ Failed",
    "state.cancelled": "🚫 Cancelled",
    "status.line": "{state} · {elapsed}\n{settings} · ~{cost} credits",
    "kind.text": "text to video",
    "kind.image": "photo to video",
    "kind.extend": "extension",
    "kind.aleph": "restyle (Aleph)",
    "settings.line": "{ratio} · {duration} s · {quality}",
    "settings.ratio_auto": "ratio of the input",
    "settings.watermark": "watermark “{text}”",
    # failures
    "failure.moderation": (
        "❌ The provider rejected the request by its content rules (moderation/NSFW).\n"
        "Rephrase the prompt or use another picture, then try again."
    ),
    "failure.bad_image": (
        "❌ The provider could not use the picture or video.\n"
        "Send a clear JPG or PNG photo (or an MP4 video) and try again."
    ),
    "failure.no_credits": (
        "❌ The video service account is out of credits.\n"
        "Please tell the bot's owner; your request was not charged."
    ),
    "failure.provider_down": (
        "❌ The video service is unavailable right now.\nPlease try again in a few minutes."
    ),
    "failure.timeout": (
        "❌ The video service did not finish in time.\nTry again; shorter or simpler prompts help."
    ),
    "failure.interrupted": (
        "❌ The bot restarted while sending your request, so it was not made.\nPlease send it again."
    ),
    "failure.refused": "❌ The video service refused the request: {reason}\nAdjust it and try again.",
    "failure.generic": "❌ The video could not be made: {reason}\nPlease try again.",
    # delivery
    "caption.settings": "{settings}",
    "button.extend": "➕ Extend",
    "button.regenerate": "🔁 Regenerate",
    "button.restyle": "🎨 Restyle",
    "button.stitch": "🧵 Stitch",
    "button.publish": "📢 Publish",
    "button.discard": "🗑 Discard",
    "delivery.too_big": (
        "🎞 Your video is ready but is {size_mb} MB, more than Telegram lets a bot upload "
        "(50 MB). Download it here (the link works for about 14 days):\n{url}"
    ),
    # requests and options
    "option.unknown": "Unknown option {option}. Valid options: {valid}.",
    "option.bad_value": "{option} cannot be “{value}”. Valid values: {valid}.",
    "option.missing_value": "{option} needs a value. Valid values: {valid}.",
    "option.any_text": "one word or a quoted text",
    "rule.prompt_missing": "Please describe the video after the command, e.g. /video a cat surfing.",
    "rule.prompt_too_long": "The prompt has {length} characters; at most {limit} are allowed.",
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
    "rule.aspect_ratio_invalid": "That aspect ratio is not valid. Valid: 16:9, 9:16, 1:1, 4:3, 3:4.",
    "rule.aleph_too_large": (
        "The video is {size_mb} MB; restyling takes at most {limit_mb} MB. Send a shorter or "
        "smaller video."
    ),
    "rule.other": "The request breaks a rule: {message}",
    "access.denied": "Sorry, this bot is private. Ask its owner to let you in.",
    "quota.daily": ("You have used your {limit} videos for today. Try again after {retry_at}."),
    "quota.active": (
        "You already have {limit} videos in the making. Try again when one of them is done "
        "(see /status)."
    ),
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
        "To restyle this video, send it with the caption /aleph <what to change>."
    ),
    "aleph.reply_needed": (
        "Use /aleph as a reply to a video, or as the caption of a video: /aleph make it snowy."
    ),
    "extend.reply_needed": (
        "Use /extend as a reply to a video I made: /extend the camera flies up."
    ),
    "extend.not_ours": "I can only extend videos I made. Reply to one of my videos.",
    "extend.ask": "✏️ Reply to this message with how video #{job_id} should continue.",
    "restyle.ask": "🎨 Reply to this message with how video #{job_id} should change.",
    "regenerate.media_gone": (
        "I no longer have the original photo or video; please send it again with its caption."
    ),
    "job.gone": "That video is no longer known to me.",
    # buttons
    "button.not_yours": "Only the person who asked for this video or a chat admin can do that.",
    "button.working": "On it…",
    "button.expired": "This button is no longer valid.",
    "stitch.not_chain": "Stitching needs an extension with its earlier videos.",
    "stitch.missing": "Some videos of this chain are no longer available.",
    "stitch.failed": "Sorry, joining the videos failed.",
    "stitch.caption": "🧵 {count} videos joined: {prompt}",
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
    "status.none": "No videos are in the making in this chat.",
    "status.title": "In the making:",
    "status.item": "#{job_id} {state} · {elapsed} · {prompt}",
    "history.none": "No videos yet in this chat. Try /video a fox in the snow.",
    "history.title": "Recent videos:",
    "history.item": "#{job_id} {state} · {kind} · {prompt}",
    "history.link": "open",
    "cancel.done": "🚫 Cancelled #{job_id}. If its video still arrives, it will not be posted.",
    "cancel.none": "You have nothing to cancel in this chat.",
    # help
    "help.private": (
        "🎬 I make short AI videos.\n\n"
        "• Send any text, or /video <prompt> [--ar 16:9|9:16|1:1|4:3|3:4] [--dur 5|10] "
        "[--q 720p|1080p] [--wm TEXT]\n"
        "• Send a photo with a caption to animate it.\n"
        "• Reply to one of my videos to extend it; the Stitch button joins a chain.\n"
        "• /aleph <prompt> as a reply to a video (or as its caption) restyles it.\n"
        "• /settings, /status, /history, /cancel, /balance, /usage\n"
        "• /channel @name and /post <prompt> publish to your channel."
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
    "cmd.balance": "Provider credits (admins)",
    "cmd.usage": "Usage per user (admins)",
    "cmd.channel": "Bind a channel",
    "cmd.post": "Make a video for the channel",
    "cmd.help": "How to use the bot",
    # errors
    "error.generic": "Sorry, something went wrong. Please try again.",
}
