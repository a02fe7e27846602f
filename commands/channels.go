package commands

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"wavebot/internal/catalog"
	"wavebot/wave"
)

// Channels that follow a wave. "subscribe ID[/FV]" typed in a channel
// stores the channel's reference on the wave; from then on the wave's
// milestones (an enrolment, an activity done, the authorization feedback
// asked for, answered and applied, go-live, the evaluation's date, the
// close) are recorded on the wave for the channels that follow them, and
// the reminder engine posts them as each channel's digest at the next
// morning's sending time: at most one message a business day, once across
// replicas, because a channel is a recipient like a person ("slack:#C0123")
// with its own lane in the ledger. A channel the platform can no longer
// reach is dropped after that one failure, and the KS lead is told.

// Audit actions of channels.
const (
	actSubscribe   = "channel.subscribe"
	actUnsubscribe = "channel.unsubscribe"
	actWaveMove    = "wave.move"
	actWaveClose   = "wave.close"
	actEvalNote    = "evaluation.note"
)

func init() {
	maps.Copy(actionText, map[string]catalog.Message{
		actSubscribe: catalog.ActSubscribe, actUnsubscribe: catalog.ActUnsubscribe, actWaveMove: catalog.ActWaveMove,
		actWaveClose: catalog.ActWaveClose, actEvalNote: catalog.ActEvalNote,
	})
}

// milestone records on w that kind happened to enrolment fv (the whole
// wave when fv is empty) at in.Now, for the channels that follow it, due
// at the next morning's digest. item is the activity, date the date the
// milestone sets.
func (d *Dispatcher) milestone(w *wave.Wave, in Input, kind, fv, item string, date wave.Date) {
	w.AddMilestone(wave.Notice{Kind: kind, FV: fv, Item: item, Date: date, Happened: in.Now}, d.digestAt(w, in.Now))
}

// digestAt is the sending time of the next digest after now that the
// sweepers of w have not handled yet.
func (d *Dispatcher) digestAt(w *wave.Wave, now time.Time) time.Time {
	at := d.cfg.Policy.DigestAt(now)
	if !at.After(w.Reminded) {
		at = d.cfg.Policy.DigestAt(w.Reminded)
	}
	return at
}

// doneMilestone records that activity key of enrolment fv is done: go-live
// has a milestone of its own, and the authorizations' is their applying.
func (d *Dispatcher) doneMilestone(w *wave.Wave, in Input, fv, key string) {
	switch key {
	case golive:
		d.milestone(w, in, wave.MilestoneGoLive, fv, key, wave.Date{})
	case wave.AuthActivity:
	default:
		d.milestone(w, in, wave.MilestoneDone, fv, key, wave.Date{})
	}
}

// followed reads what a channel follows: "ID" (the whole wave) or
// "ID/FV"; the forvaltning must be enrolled.
func (d *Dispatcher) followed(ctx context.Context, arg string) (wave.Wave, string, error) {
	if !strings.Contains(arg, "/") {
		w, err := d.wave(ctx, arg)
		return w, "", err
	}
	r, err := d.parseRef(arg)
	if err != nil {
		return wave.Wave{}, "", err
	}
	w, err := d.wave(ctx, r.wave)
	if err != nil {
		return wave.Wave{}, "", err
	}
	if _, err := w.Enrolment(r.fv); err != nil {
		return wave.Wave{}, "", refuse(catalog.NotEnrolled, r.fv, r.wave)
	}
	return w, r.fv, nil
}

// channelName is how a reply names the channel a command was typed in.
func channelName(lang string, c *Channel) string {
	if c.Name != "" {
		return c.Name
	}
	return catalog.ThisChannel.In(lang)
}

// followedName names what a channel follows: "bølge b3" or "b3/BUF".
func followedName(lang, waveID, fv string) string {
	if fv == "" {
		return catalog.WaveWord.In(lang, waveID)
	}
	return waveID + "/" + fv
}

// maySubscribe refuses a person who may not point a channel at wave w's
// milestones: KS, or a contact of the enrolment followed (any enrolment
// of the wave, for the whole wave).
func maySubscribe(lang string, me wave.Person, w wave.Wave, fv string) error {
	if me.IsKS() {
		return nil
	}
	for _, e := range w.Enrolments {
		if (fv == "" || e.FV == fv) && speaksForFV(me, &e) {
			return nil
		}
	}
	if fv == "" {
		return forbid(catalog.NotAllowed, catalog.SubscribeWhoWave)
	}
	return forbid(catalog.NotAllowed, catalog.PermContactOf.In(lang, w.ID+"/"+fv))
}

// subscribe makes the channel the command is typed in follow a wave or
// one enrolment, storing the channel's reference with the subscription.
func (d *Dispatcher) subscribe(ctx context.Context, in Input) (Reply, error) {
	if in.Channel == nil {
		return Reply{}, refuse(catalog.SubscribeNoChannel)
	}
	w, fv, err := d.followed(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if err := maySubscribe(in.Lang, in.Me, w, fv); err != nil {
		return Reply{}, err
	}
	name, what := channelName(in.Lang, in.Channel), followedName(in.Lang, w.ID, fv)
	_, err = d.update(ctx, w.ID, func(w *wave.Wave) ([]wave.Event, error) {
		if !w.Subscribe(wave.Subscription{Channel: in.Channel.ID, Name: in.Channel.Name, Address: in.Channel.Address, FV: fv, By: in.Me.ID, At: in.Now}) {
			return nil, unchanged(catalog.SubscribeUnchanged.In(in.Lang, name, what))
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: fv, Action: actSubscribe, Item: in.Channel.ID, After: in.Channel.Name}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	p := d.cfg.Policy
	return Reply{Lines: []string{catalog.Subscribed.In(in.Lang, name, what, fmt.Sprintf("%d.%02d", p.SendHour, p.SendMinute))}}, nil
}

// unsubscribe stops the channel following a wave or an enrolment; a
// closed wave's channels may leave too.
func (d *Dispatcher) unsubscribe(ctx context.Context, in Input) (Reply, error) {
	if in.Channel == nil {
		return Reply{}, refuse(catalog.SubscribeNoChannel)
	}
	w, fv, err := d.followed(ctx, in.Args[0])
	if err != nil {
		return Reply{}, err
	}
	if err := maySubscribe(in.Lang, in.Me, w, fv); err != nil {
		return Reply{}, err
	}
	name, what := channelName(in.Lang, in.Channel), followedName(in.Lang, w.ID, fv)
	_, err = d.updateClosedToo(ctx, w.ID, func(w *wave.Wave) ([]wave.Event, error) {
		if !w.Unsubscribe(in.Channel.ID, fv) {
			return nil, unchanged(catalog.UnsubscribeUnchanged.In(in.Lang, name, what))
		}
		return []wave.Event{{At: in.Now, Actor: in.Me.ID, Wave: w.ID, FV: fv, Action: actUnsubscribe, Item: in.Channel.ID, After: in.Channel.Name}}, nil
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Lines: []string{catalog.Unsubscribed.In(in.Lang, name, what)}}, nil
}

// milestoneText is what a channel reads of milestone r.
func (d *Dispatcher) milestoneText(lang string, r ref, kind, item string, date wave.Date) string {
	switch kind {
	case wave.MilestoneEnrolled:
		return catalog.MilestoneEnrolled.In(lang, r.fv)
	case wave.MilestoneDone:
		return catalog.MilestoneDone.In(lang, r, d.activityTitle(lang, item))
	case wave.MilestoneGoLive:
		return catalog.MilestoneGoLive.In(lang, r)
	case wave.MilestoneAuthRequested:
		return catalog.MilestoneAuthAsked.In(lang, r, day(lang, date))
	case wave.MilestoneAuthAnswered:
		return catalog.MilestoneAuthAnswer.In(lang, r)
	case wave.MilestoneAuthApplied:
		return catalog.MilestoneAuthApplied.In(lang, r)
	case wave.MilestoneEvalSet:
		return catalog.MilestoneEvalSet.In(lang, r, day(lang, date))
	}
	return catalog.MilestoneClosed.In(lang, r.wave)
}

// channelOf names a channel that could not be reached: by the name it had
// when it was dropped, else by its id.
func channelOf(w *wave.Wave, channel string) string {
	for _, f := range w.DeliveryFailures {
		if f.Person == channel && f.Name != "" {
			return f.Name
		}
	}
	return channel
}
